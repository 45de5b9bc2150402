package routes.processing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.ConsumerTemplate;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import routes.support.TestApp;
import routes.support.TestDatabase;

/** Retries through the real embedded broker: scheduled redelivery, the attempt count, the dead-letter queue. */
class RetryTest {

    @TempDir
    Path tmp;

    private TestApp start(Map<String, String> settings) throws Exception {
        Path sources = Files.createDirectories(tmp.resolve("sources"));
        Files.writeString(sources.resolve("doc.txt"), "retry me");
        var all = new java.util.HashMap<>(settings);
        all.put("cortex.local-source-roots", sources.toString());
        all.put("cortex.task.retry-backoff-seconds", "1");
        return TestApp.start(TestDatabase.sqlite(tmp), tmp.resolve("data"), all);
    }

    private static String job(TestApp app, String project) {
        return app.postJson("/api/projects/" + project + "/ingest/jobs",
                "{\"source_path\":\"" + app.dataDir().getParent().resolve("sources/doc.txt") + "\"}").json().get("id").asText();
    }

    @Test
    void firstAttemptFailsSecondCompletes() throws Exception {
        try (TestApp app = start(Map.of("cortex.testing.fail-attempts", "1"))) {
            String p = app.postJson("/api/projects", "{\"name\":\"retry\"}").json().get("id").asText();
            String id = job(app, p);
            String url = "/api/projects/" + p + "/ingest/jobs/" + id;
            // While it waits for its retry the job is queued and says why and when.
            JsonNode waiting = await().atMost(Duration.ofSeconds(20)).until(() -> app.get(url).json(),
                    j -> j.get("attempts").asInt() == 1 && j.get("status").asText().equals("queued"));
            assertThat(waiting.get("message").asText()).startsWith("Retry 1 of 3 at ");
            assertThat(waiting.get("error_message").asText()).contains("Simulated transient failure");
            JsonNode done = await().atMost(Duration.ofSeconds(20)).until(() -> app.get(url).json(),
                    j -> j.get("status").asText().equals("completed"));
            assertThat(done.get("attempts").asInt()).isEqualTo(2);
            assertThat(done.get("error_message").isNull()).isTrue();
        }
    }

    @Test
    void everyAttemptFailsThenDeadLetters() throws Exception {
        try (TestApp app = start(Map.of("cortex.testing.fail-attempts", "99", "cortex.task.max-retries", "2",
                "cortex.task.retry-backoff-max-seconds", "60"))) {
            String p = app.postJson("/api/projects", "{\"name\":\"dead\"}").json().get("id").asText();
            String id = job(app, p);
            String url = "/api/projects/" + p + "/ingest/jobs/" + id;
            // Watch the job's timestamps: when it was requeued for retry 1 and retry 2, and when it failed. Each
            // attempt fails within milliseconds, so the time between them is the backoff.
            Map<String, Instant> requeuedAt = new java.util.TreeMap<>();
            JsonNode failed = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> {
                JsonNode j = app.get(url).json();
                String message = j.get("message").asText("");
                if (j.get("status").asText().equals("queued") && message.startsWith("Retry ")) {
                    requeuedAt.putIfAbsent(message.substring(0, "Retry 1".length()), Instant.parse(j.get("updated_at").asText()));
                }
                return j;
            }, j -> j.get("status").asText().equals("failed"));
            assertThat(failed.get("attempts").asInt()).isEqualTo(3);
            assertThat(failed.get("completed_at").isNull()).isFalse();
            assertThat(failed.get("error_message").asText()).contains("Simulated transient failure of attempt 3");
            // backoff min(1 s * 2^(n-1), max): 1 s before retry 1, 2 s before retry 2 (tolerance for scheduling)
            assertThat(requeuedAt).containsOnlyKeys("Retry 1", "Retry 2");
            long first = Duration.between(requeuedAt.get("Retry 1"), requeuedAt.get("Retry 2")).toMillis();
            long second = Duration.between(requeuedAt.get("Retry 2"), Instant.parse(failed.get("completed_at").asText())).toMillis();
            assertThat(first).isBetween(950L, 1900L);
            assertThat(second).isBetween(1950L, 2900L);

            ConsumerTemplate consumer = app.context().createConsumerTemplate();
            Exchange dead = consumer.receive("jms:queue:cortex.ingest.jobs.dlq", 10_000);
            assertThat(dead).isNotNull();
            assertThat(dead.getMessage().getBody(String.class)).as("dead letter of job %s: %s", id,
                    dead.getMessage().getHeaders()).isEqualTo(id);
            assertThat(dead.getMessage().getHeader("CortexError", String.class)).contains("Simulated transient failure");
        }
    }

    @Test
    void permanentErrorFailsAtOnce() throws Exception {
        try (TestApp app = start(Map.of())) {
            String p = app.postJson("/api/projects", "{\"name\":\"permanent\"}").json().get("id").asText();
            String id = app.postJson("/api/projects/" + p + "/ingest/jobs", "{\"source_path\":\""
                    + tmp.resolve("sources/doc.txt") + "\",\"checksum\":\"" + "a".repeat(64) + "\"}").json().get("id").asText();
            JsonNode failed = await().atMost(Duration.ofSeconds(20)).until(
                    () -> app.get("/api/projects/" + p + "/ingest/jobs/" + id).json(),
                    j -> j.get("status").asText().equals("failed"));
            assertThat(failed.get("attempts").asInt()).isEqualTo(1);
            assertThat(failed.get("error_message").asText()).startsWith("Checksum mismatch");
        }
    }
}
