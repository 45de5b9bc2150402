package routes.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import routes.support.ProcessApp;
import routes.support.TestApp;
import routes.support.TestDatabase;

/**
 * An api instance and a worker instance on one PostgreSQL (without pgvector: the api instance keeps the vectors in
 * memory): what the worker commits is searchable on the api instance within a second, in every mode.
 */
class SplitRolesSearchTest {

    @TempDir
    Path tmp;

    @Test
    void whatAWorkerCommitsIsSearchableOnTheApiInstanceWithinASecond() throws Exception {
        String db = TestDatabase.freshPostgres();
        int brokerPort = TestApp.freePort();
        Map<String, String> apiEnv = ProcessApp.env(tmp.resolve("api"), db, "api");
        apiEnv.put("CORTEX_BROKER_PORT", String.valueOf(brokerPort));
        Map<String, String> workerEnv = ProcessApp.env(tmp.resolve("worker"), db, "worker");
        workerEnv.put("CORTEX_BROKER_URL", "tcp://127.0.0.1:" + brokerPort);
        try (ProcessApp api = ProcessApp.start(tmp, "api", apiEnv, "-Xmx512m");
                ProcessApp worker = ProcessApp.start(tmp, "worker", workerEnv, "-Xmx512m")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> api.get("/observe/health/ready").status() == 200);
            String project = api.postJson("/api/projects", "{\"name\":\"split\"}").json().get("id").asText();
            String job = api.postJson("/api/projects/" + project + "/ingest", new ObjectMapper().writeValueAsString(
                    Map.of("source_type", "text", "content", EmbeddingTest.LEAVES))).json().get("job_id").asText();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> api.get(
                    "/api/projects/" + project + "/ingest/jobs/" + job).json().get("status").asText().equals("completed"));
            for (String mode : List.of("keyword", "vector", "hybrid")) {
                await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
                    JsonNode answer = api.postJson("/api/projects/" + project + "/search", "{\"query\":\"how plants"
                            + " turn light into food\",\"mode\":\"" + mode + "\"}").json();
                    assertThat(answer.get("mode").asText()).isEqualTo(mode);
                    assertThat(answer.get("items")).as(mode).hasSize(1);
                });
            }
        }
    }
}
