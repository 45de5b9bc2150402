package routes.processing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import routes.support.TestApp;
import routes.support.TestDatabase;

/** CORTEX_TASKS_EAGER: the same processing route over the in-process queue, no broker, retries without waiting. */
class EagerModeTest {

    @TempDir
    Path tmp;

    @Test
    void processesAndRetriesWithoutABroker() throws Exception {
        Path sources = Files.createDirectories(tmp.resolve("sources"));
        Path file = Files.writeString(sources.resolve("eager.txt"), "eager mode");
        try (TestApp app = TestApp.start(TestDatabase.sqlite(tmp), tmp.resolve("data"), Map.of(
                "cortex.tasks.eager", "true",
                "cortex.testing.fail-attempts", "1",
                "cortex.task.retry-backoff-seconds", "60",
                "cortex.local-source-roots", sources.toString()))) {
            assertThat(app.context().getRegistry().lookupByName("embeddedBroker")).isNull();
            assertThat(tmp.resolve("data/artemis")).doesNotExist();
            String p = app.postJson("/api/projects", "{\"name\":\"eager\"}").json().get("id").asText();
            JsonNode created = app.postJson("/api/projects/" + p + "/ingest/jobs", "{\"source_path\":\"" + file + "\"}").json();
            String id = created.get("id").asText();
            assertThat(created.get("task_id").asText()).isEqualTo("inline-" + id);
            // a 60 s backoff is not waited for in eager mode
            JsonNode done = await().atMost(Duration.ofSeconds(20)).until(
                    () -> app.get("/api/projects/" + p + "/ingest/jobs/" + id).json(),
                    j -> j.get("status").asText().equals("completed"));
            assertThat(done.get("attempts").asInt()).isEqualTo(2);
        }
    }
}
