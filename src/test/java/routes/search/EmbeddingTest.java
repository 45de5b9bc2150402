package routes.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import routes.support.ApiClient.Reply;
import routes.support.TestApp;
import routes.support.TestDatabase;

/**
 * The embed stage as a job lives it, on the embedded default: a text embedded once is never embedded again; a cancel
 * holds between batches and leaves nothing searchable; with embedding off jobs complete and search says it is
 * keyword-only; a change of model re-embeds the stored chunks in the background while search says how many its
 * vector half cannot see yet.
 */
class EmbeddingTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String LEAVES = "Photosynthesis converts sunlight into chemical energy inside the leaves of a plant.";

    @TempDir
    Path dir;

    static String project(TestApp app, String name) {
        return app.postJson("/api/projects", "{\"name\":\"" + name + "\"}").json().get("id").asText();
    }

    static String text(TestApp app, String project, String content) throws Exception {
        Reply r = app.postJson("/api/projects/" + project + "/ingest", JSON.writeValueAsString(Map.of("source_type",
                "text", "content", content)));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("job_id").asText();
    }

    static JsonNode finished(TestApp app, String project, String job) {
        return await().atMost(Duration.ofSeconds(90)).until(() -> app.get("/api/projects/" + project
                + "/ingest/jobs/" + job).json(), j -> Set.of("completed", "failed", "cancelled")
                        .contains(j.get("status").asText()));
    }

    static JsonNode search(TestApp app, String project, String query, String mode) throws Exception {
        Reply r = app.postJson("/api/projects/" + project + "/search", JSON.writeValueAsString(Map.of("query", query,
                "mode", mode)));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    static long metric(TestApp app, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? ([0-9.eE+-]+)$")
                .matcher(app.get("/observe/metrics").body());
        return m.find() ? (long) Double.parseDouble(m.group(2)) : -1;
    }

    @Test
    void aTextEmbeddedOnceIsNeverEmbeddedAgain() throws Exception {
        try (TestApp app = TestApp.start(TestDatabase.sqlite(dir), dir.resolve("data"), Map.of())) {
            String p = project(app, "reuse");
            JsonNode first = finished(app, p, text(app, p, LEAVES));
            assertThat(first.get("status").asText()).isEqualTo("completed");
            long embedded = metric(app, "cortex_embeddings_total");
            assertThat(embedded).isPositive();
            String again = text(app, p, LEAVES);
            assertThat(finished(app, p, again).get("status").asText()).isEqualTo("completed");
            assertThat(metric(app, "cortex_embeddings_total")).as("no model time for an unchanged text")
                    .isEqualTo(embedded);
            assertThat(app.get("/api/projects/" + p + "/ingest/jobs/" + again + "/documents").status()).isEqualTo(200);
            // both jobs' chunks found (no document key: two documents), with one vector between them
            assertThat(search(app, p, "how plants turn light into food", "vector").get("items")).hasSize(2);
        }
    }

    @Test
    void aCancelHoldsBetweenBatchesAndLeavesNothingSearchable() throws Exception {
        try (TestApp app = TestApp.start(TestDatabase.sqlite(dir), dir.resolve("data"), Map.of(
                "cortex.embed.batch-size", "1", "cortex.embed.threads", "1", "cortex.chunk.size", "200",
                "cortex.chunk.overlap", "0", "cortex.worker.progress-interval-ms", "0"))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> app.get("/observe/health/ready").status() == 200);
            String p = project(app, "cancel");
            StringBuilder long_ = new StringBuilder();
            for (int i = 0; i < 400; i++) {
                long_.append("Sentence number ").append(i).append(" of a long report about turbine blades. ");
            }
            String job = text(app, p, long_.toString());
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> app.get(
                    "/api/projects/" + p + "/ingest/jobs/" + job).json().get("message").asText().startsWith("Embedded "));
            long before = metric(app, "cortex_embeddings_total");
            assertThat(app.post("/api/projects/" + p + "/ingest/jobs/" + job + "/cancel").status()).isEqualTo(200);
            JsonNode cancelled = finished(app, p, job);
            assertThat(cancelled.get("status").asText()).isEqualTo("cancelled");
            assertThat(cancelled.get("stage").asText()).isEqualTo("embed");
            // the pool stops taking the job's texts: far fewer than its ~100 chunks were embedded
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                    .until(() -> metric(app, "cortex_embeddings_total") - before < 10);
            assertThat(search(app, p, "turbine blades report", "keyword").get("items")).isEmpty();
            assertThat(app.get("/api/projects/" + p + "/ingest/jobs/" + job + "/documents").json().get("items"))
                    .isEmpty();
        }
    }

    @Test
    void withEmbeddingOffJobsCompleteAndSearchSaysItIsKeywordOnly() throws Exception {
        try (TestApp app = TestApp.start(TestDatabase.sqlite(dir), dir.resolve("data"), Map.of(
                "cortex.embed.enabled", "false"))) {
            String p = project(app, "off");
            JsonNode done = finished(app, p, text(app, p, LEAVES));
            assertThat(done.get("status").asText()).isEqualTo("completed");
            for (String mode : new String[] {"hybrid", "vector", "keyword"}) {
                JsonNode answer = search(app, p, "photosynthesis leaves", mode);
                assertThat(answer.get("mode").asText()).as(mode).isEqualTo("keyword");
                assertThat(answer.get("items")).as(mode).hasSize(1);
                if (!mode.equals("keyword")) {
                    assertThat(answer.get("note").asText()).as(mode).contains("CORTEX_EMBED_ENABLED=false");
                }
            }
            assertThat(app.get("/observe/health").body()).contains("keyword search only");
            assertThat(metric(app, "cortex_embeddings_total")).isEqualTo(-1);
        }
    }

    @Test
    void aChangeOfModelReembedsTheStoredChunksInTheBackground() throws Exception {
        String db = TestDatabase.sqlite(dir);
        String p;
        try (TestApp app = TestApp.start(db, dir.resolve("data"), Map.of("cortex.embed.model", "all-minilm-l6-v2-q"))) {
            p = project(app, "models");
            assertThat(finished(app, p, text(app, p, LEAVES)).get("status").asText()).isEqualTo("completed");
            assertThat(search(app, p, "how plants turn light into food", "vector").get("items")).hasSize(1);
        }
        Files.createDirectories(dir.resolve("data"));
        try (TestApp app = TestApp.start(db, dir.resolve("data"), Map.of("cortex.embed.model", "bge-small-en-v1.5-q",
                "cortex.embed.reembed-period-ms", "6000"))) {
            // before the first run of the background re-embedding: the vector half says what it does not see
            JsonNode waiting = await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                    .until(() -> search(app, p, "how plants turn light into food", "vector"), a -> a.has("not_embedded"));
            assertThat(waiting.get("not_embedded").asLong()).isEqualTo(1);
            assertThat(waiting.get("note").asText()).contains("no vector yet");
            assertThat(waiting.get("items")).isEmpty();
            assertThat(metric(app, "cortex_embeddings_pending")).isEqualTo(1);
            // then it is embedded with the new model, and found
            await().atMost(Duration.ofSeconds(30)).until(() -> search(app, p, "how plants turn light into food",
                    "vector").get("items").size() == 1);
            assertThat(search(app, p, "how plants turn light into food", "vector").has("not_embedded")).isFalse();
            await().atMost(Duration.ofSeconds(5)).until(() -> metric(app, "cortex_embeddings_pending") == 0);
        }
    }
}
