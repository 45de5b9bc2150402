package routes.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static routes.watch.WatchTest.BUCKET;
import static routes.watch.WatchTest.jobs;
import static routes.watch.WatchTest.keys;
import static routes.watch.WatchTest.put;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import routes.support.ApiClient;
import routes.support.ProcessApp;
import routes.support.S3ProxyServer;
import routes.support.TestApp;
import routes.support.TestDatabase;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Several instances and crashes: two instances watching one prefix on PostgreSQL create one job per object and
 * read each object once; an instance killed with SIGKILL in the middle of its rounds and started again loses no
 * object and doubles none.
 */
class WatchInstancesTest {

    @TempDir
    Path tmp;

    private static List<JsonNode> completed(ApiClient api, String project) {
        return WatchTest.jobs(api, project).stream().filter(j -> j.get("status").asText().equals("completed")).toList();
    }

    @Test
    void twoInstancesWatchingOnePrefixCreateOneJobPerObjectAndReadEachOnce() {
        String db = TestDatabase.freshPostgres();
        try (S3ProxyServer s3 = S3ProxyServer.start(tmp, TestApp.freePort(), true); S3Client client = s3.client()) {
            // A settle window of two seconds (listings show whole seconds): S3Proxy's filesystem store lists an
            // object's temporary file while it writes it (real S3 shows an object only once it is complete).
            Map<String, String> settings = WatchTest.watchSettings(s3, Map.of("cortex.watch.max-objects-per-poll", "20",
                    "cortex.watch.min-age-seconds", "2"));
            try (TestApp a = TestApp.start(db, tmp.resolve("a"), settings);
                    TestApp b = TestApp.start(db, tmp.resolve("b"), settings)) {
                String project = WatchTest.project(a, "shared");
                for (int i = 0; i < 200; i++) {
                    put(client, "inbox/" + project + "/notes/n" + i + ".txt", "text/plain",
                            ("note number " + i).getBytes(StandardCharsets.UTF_8));
                }
                await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> completed(a, project).size() == 200);
                await().atMost(Duration.ofSeconds(30)).until(() -> keys(client, "inbox/").isEmpty());
                List<JsonNode> all = jobs(a, project);
                assertThat(all).hasSize(200);
                assertThat(all.stream().map(j -> j.get("original_filename").asText()).distinct()).hasSize(200);
                assertThat(keys(client, "processed/inbox/" + project + "/notes/")).hasSize(200);
                // each object read once (S3Proxy's temporary files, listed while it writes, are not objects)
                Map<String, Long> gets = s3.requestsByKey("GET", BUCKET);
                for (int i = 0; i < 200; i++) {
                    assertThat(gets.get("inbox/" + project + "/notes/n" + i + ".txt")).as("GETs of n" + i).isEqualTo(1L);
                }
            }
        }
    }

    @Test
    void anInstanceKilledInTheMiddleOfItsRoundsAndRestartedLosesNoObjectAndDoublesNone() throws Exception {
        String db = TestDatabase.sqlite(tmp);
        try (S3ProxyServer s3 = S3ProxyServer.start(tmp, TestApp.freePort(), true); S3Client client = s3.client()) {
            Map<String, String> env = ProcessApp.env(tmp, db, "all");
            Map<String, String> watch = WatchTest.watchSettings(s3, Map.of("cortex.watch.lease-seconds", "3",
                    "cortex.watch.min-age-seconds", "2"));
            watch.forEach((key, value) -> env.put(routes.config.Settings.envName(key), value));
            String project;
            int atKill;
            ProcessApp first = ProcessApp.start(tmp, "watch-first", env);
            try {
                project = first.postJson("/api/projects", "{\"name\":\"crash\"}").json().get("id").asText();
                for (int i = 0; i < 150; i++) {
                    put(client, "inbox/" + project + "/c" + i + ".txt", "text/plain",
                            ("crash note " + i).getBytes(StandardCharsets.UTF_8));
                }
                String p = project;
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                        .until(() -> !jobs(first, p).isEmpty());
                atKill = jobs(first, p).size();
            } finally {
                first.kill();
            }
            assertThat(atKill).as("killed in the middle of its rounds").isBetween(1, 149);
            try (ProcessApp second = ProcessApp.start(tmp, "watch-second", env)) {
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> completed(second, project).size() == 150);
                await().atMost(Duration.ofSeconds(30)).until(() -> keys(client, "inbox/").isEmpty());
                List<JsonNode> all = jobs(second, project);
                Map<String, Long> byName = all.stream().collect(Collectors.groupingBy(
                        j -> j.get("original_filename").asText(), Collectors.counting()));
                assertThat(byName).hasSize(150);
                assertThat(byName.values()).allMatch(n -> n == 1);
                assertThat(keys(client, "processed/inbox/" + project + "/")).hasSize(150);
            }
        }
    }
}
