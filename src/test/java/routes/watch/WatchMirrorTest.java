package routes.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static routes.watch.WatchTest.BUCKET;
import static routes.watch.WatchTest.jobs;
import static routes.watch.WatchTest.project;
import static routes.watch.WatchTest.put;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import routes.support.S3ProxyServer;
import routes.support.TestApp;
import routes.support.TestDatabase;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Mirror mode: the bucket is the source of truth. A changed object is a new job that retires the key's previous one
 * when it completes; the same content listed again is no job; a removed object retires its job only after two
 * complete listings; a listing that fails (S3 down) retires nothing and makes the watch unhealthy.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WatchMirrorTest {

    Path dir;
    int s3Port;
    S3ProxyServer s3;
    S3Client client;
    TestApp app;

    @BeforeAll
    void start(@TempDir Path dir) {
        this.dir = dir;
        s3Port = TestApp.freePort();
        s3 = S3ProxyServer.start(dir, s3Port, true);
        client = s3.client();
        app = TestApp.start(TestDatabase.sqlite(dir), dir.resolve("data"), WatchTest.watchSettings(s3, Map.of(
                "cortex.watch.after-read", "mirror", "cortex.watch.min-age-seconds", "2")));
    }

    @AfterAll
    void stop() {
        app.close();
        client.close();
        s3.close();
    }

    private List<JsonNode> visible(String project) {
        return jobs(app, project);
    }

    /** The jobs holding each key's current content. */
    private List<JsonNode> current(String project) {
        List<JsonNode> out = new java.util.ArrayList<>();
        app.get("/api/projects/" + project + "/ingest/jobs?current=true&limit=100").json().get("items").forEach(out::add);
        return out;
    }

    /** One job, completed: read from one listing. */
    private static boolean onlyCompleted(List<JsonNode> jobs) {
        return jobs.size() == 1 && allCompleted(jobs);
    }

    private static boolean allCompleted(List<JsonNode> jobs) {
        return jobs.stream().allMatch(j -> j.get("status").asText().equals("completed"));
    }

    @Test
    void aChangedObjectSupersedesItsJobAndARemovedOneIsRetiredAfterTwoListings() {
        String project = project(app, "mirrored");
        String key = "inbox/" + project + "/handbook.md";
        put(client, key, "text/markdown", "# Handbook\n\nversion one".getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(30)).until(() -> onlyCompleted(visible(project)));
        String first = visible(project).get(0).get("id").asText();
        assertThat(app.get("/api/projects/" + project + "/ingest/jobs/" + first + "/documents").status()).isEqualTo(200);

        // the same content, listed round after round: no new job, and it is read once
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> visible(project).size() == 1);
        assertThat(s3.requests("GET", BUCKET, key)).isEqualTo(1);
        assertThat(client.headObject(b -> b.bucket(BUCKET).key(key)).contentLength()).as("the object stays").isPositive();

        // new content under the same key: a new job, and once it completes the earlier job is superseded by it (its
        // chunks leave search; it stays listed, saying by which job)
        put(client, key, "text/markdown", "# Handbook\n\nversion two".getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            List<JsonNode> now = current(project);
            return now.size() == 1 && allCompleted(now) && !now.get(0).get("id").asText().equals(first);
        });
        String second = current(project).get(0).get("id").asText();
        JsonNode earlier = app.get("/api/projects/" + project + "/ingest/jobs/" + first).json();
        assertThat(earlier.get("superseded_by").asText()).isEqualTo(second);
        assertThat(earlier.get("document_key").asText()).isEqualTo("s3://" + BUCKET + "/" + key);
        assertThat(visible(project)).hasSize(2);
        JsonNode docs = app.get("/api/projects/" + project + "/ingest/jobs/" + second + "/documents").json();
        assertThat(docs.get("items")).hasSize(1);

        // removed from the bucket: every version retired after the second complete listing that misses it
        client.deleteObject(b -> b.bucket(BUCKET).key(key));
        await().atMost(Duration.ofSeconds(20)).until(() -> visible(project).isEmpty());
        assertThat(app.get("/api/projects/" + project + "/ingest/jobs/" + second).status()).isEqualTo(404);
        assertThat(app.get("/api/projects/" + project + "/ingest/jobs/" + first).status()).isEqualTo(404);

        // dropped again afterwards: the ledger forgot the key, so it is a new job
        put(client, key, "text/markdown", "# Handbook\n\nversion two".getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(30)).until(() -> onlyCompleted(visible(project)));
    }

    @Test
    void aFailedListingRetiresNothingAndMakesTheWatchUnhealthy() {
        String project = project(app, "outage");
        String key = "inbox/" + project + "/policy.txt";
        put(client, key, "text/plain", "keep me".getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(30)).until(() -> visible(project).stream().anyMatch(j ->
                j.get("original_filename").asText().equals("policy.txt") && j.get("status").asText().equals("completed")));
        String job = visible(project).stream().filter(j -> j.get("original_filename").asText().equals("policy.txt"))
                .findFirst().orElseThrow().get("id").asText();

        s3.close();
        try {
            // storage's readiness may notice first; the watch is down once a round's listing failed
            await().atMost(Duration.ofSeconds(30)).until(() -> app.get("/observe/health").body()
                    .contains("Listing the watched prefixes fails"));
            assertThat(app.get("/observe/health").status()).isEqualTo(503);
            // rounds keep failing meanwhile; none may count as a listing that missed the object
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
                    .until(() -> app.get("/observe/health").status() == 503);
        } finally {
            s3 = S3ProxyServer.start(dir, s3Port, true);
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> app.get("/observe/health").status() == 200);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                .until(() -> app.get("/api/projects/" + project + "/ingest/jobs/" + job).status() == 200);
    }
}
