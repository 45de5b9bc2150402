package routes.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import routes.health.OutageLog;
import routes.support.ApiClient.Reply;
import routes.support.LogCapture;
import routes.support.TestApp;
import routes.support.TestDatabase;

/**
 * A SQLite database that can be read but not written (its files made immutable, as a full or remounted disk would):
 * readiness says so at once (its probe writes and rolls back), a create answers 503 naming the real cause,
 * nothing is logged as created, and the outage log says it once rather than flapping between "unreachable" and
 * "reachable again" as reads keep succeeding. Needs root and chattr (e2fsprogs), as CI has: without them it fails.
 */
class ReadOnlyDatabaseTest {

    @TempDir
    Path tmp;

    @Test
    void aDatabaseThatCannotBeWrittenIsNotReadyAndSaysWhy() throws Exception {
        try (TestApp app = TestApp.start(TestDatabase.sqlite(tmp), tmp.resolve("data"), Map.of())) {
            String project = app.postJson("/api/projects", "{\"name\":\"read-only\"}").json().get("id").asText();
            await().atMost(Duration.ofSeconds(10)).until(() -> app.get("/observe/health/ready").status() == 200);
            List<Path> files = new ArrayList<>();
            for (String name : List.of("cortex.db", "cortex.db-wal", "cortex.db-shm")) {
                if (Files.exists(tmp.resolve(name))) {
                    files.add(tmp.resolve(name));
                }
            }
            try (LogCapture log = LogCapture.open()) {
                chattr("+i", files);
                try {
                    Reply refused = app.postJson("/api/projects/" + project + "/ingest",
                            "{\"source_type\":\"text\",\"content\":\"never stored\"}");
                    assertThat(refused.status()).isEqualTo(503);
                    assertThat(refused.detail()).contains("read-only");
                    await().atMost(Duration.ofSeconds(10)).until(() -> app.get("/observe/health/ready").status() == 503);
                    assertThat(app.get("/observe/health").body()).contains("read-only");
                    // a few seconds of outage: said once, not "reachable again" whenever a read succeeds
                    Thread.sleep(4000);
                    List<LogCapture.Line> outage = log.lines().stream()
                            .filter(l -> l.logger().equals(OutageLog.class.getName())).toList();
                    assertThat(outage).as("the outage log").hasSize(1)
                            .allMatch(l -> l.level() == Level.ERROR && l.message().contains("read-only"));
                    assertThat(log.lines()).as("nothing logged as created")
                            .noneMatch(l -> l.message().startsWith("created status="));
                } finally {
                    chattr("-i", files);
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> app.get("/observe/health/ready").status() == 200);
                assertThat(log.lines()).anyMatch(l -> l.message().contains("reachable again"));
            }
            assertThat(app.get("/api/projects/" + project + "/ingest/jobs").json().get("total").asInt()).isZero();
        }
    }

    private static void chattr(String flag, List<Path> files) throws Exception {
        List<String> command = new ArrayList<>(List.of("chattr", flag));
        files.forEach(f -> command.add(f.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException("this test needs root and chattr (e2fsprogs) on a file system that"
                    + " supports it, as CI has; `" + String.join(" ", command) + "` said: " + out);
        }
    }
}
