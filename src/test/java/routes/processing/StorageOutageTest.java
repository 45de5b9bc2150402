package routes.processing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import routes.support.S3ProxyServer;
import routes.support.TestApp;
import routes.support.TestDatabase;

/**
 * The service's own storage (S3) out of reach while a job fetches its stored copy: the attempt is not the
 * document's fault, so it waits queued, saying why, without using up the job's attempts (here a budget of one
 * attempt: a counted failure would fail it), and completes once S3 is back.
 */
class StorageOutageTest {

    @TempDir
    Path tmp;

    @Test
    void aFetchFromUnreachableStorageWaitsForItWithoutUsingUpAttempts() {
        int port = TestApp.freePort();
        S3ProxyServer s3 = S3ProxyServer.start(tmp, port);
        Map<String, String> settings = Map.of("cortex.storage.backend", "s3",
                "cortex.storage.bucket", "cortex-outage",
                "cortex.storage.endpoint-url", s3.endpoint(),
                "cortex.storage.access-key", S3ProxyServer.ACCESS_KEY,
                "cortex.storage.secret-key", S3ProxyServer.SECRET_KEY,
                "cortex.task.max-retries", "0",
                "cortex.task.retry-backoff-seconds", "1",
                // a pause before every stage: S3 is stopped while the attempt waits to fetch
                "cortex.testing.stage-delay-ms", "1500");
        try (TestApp app = TestApp.start(TestDatabase.sqlite(tmp), tmp.resolve("data"), settings)) {
            String project = app.postJson("/api/projects", "{\"name\":\"outage\"}").json().get("id").asText();
            String job = app.upload("/api/projects/" + project + "/ingest/upload", "doc.txt",
                    "words to keep".getBytes(StandardCharsets.UTF_8), "text/plain", null).json().get("job_id").asText();
            String path = "/api/projects/" + project + "/ingest/jobs/" + job;
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> app.get(path).json().get("status").asText().equals("running"));
            s3.close();
            JsonNode waiting = await().atMost(Duration.ofSeconds(60)).until(() -> app.get(path).json(),
                    j -> j.get("status").asText().equals("queued") && j.get("message").asText()
                            .startsWith("Waiting for storage"));
            assertThat(waiting.get("error_message").asText()).contains("cortex-outage");
            // more attempts than its budget of one, none of them counted
            await().atMost(Duration.ofSeconds(60)).until(() -> app.get(path).json().get("attempts").asInt() >= 2);
            assertThat(app.get(path).json().get("status").asText()).isNotEqualTo("failed");

            S3ProxyServer back = S3ProxyServer.start(tmp, port);
            try {
                JsonNode done = await().atMost(Duration.ofSeconds(60)).until(() -> app.get(path).json(),
                        j -> !j.get("status").asText().matches("queued|running"));
                assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("completed");
                assertThat(done.get("error_message").isNull()).isTrue();
            } finally {
                back.close();
            }
        }
    }
}
