package routes.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import routes.support.ApiClient.Reply;
import routes.support.TestApp;
import routes.support.TestDatabase;

/**
 * POST .../ingest/batch: up to the limit of job requests in one transaction, all or nothing. A refused item refuses
 * the batch with each refused item by index and creates nothing; an Idempotency-Key replays the whole batch.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BatchCreateTest {

    TestApp app;
    Path sources;
    String project;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        sources = Files.createDirectories(tmp.resolve("sources"));
        for (int i = 0; i < 5; i++) {
            Files.writeString(sources.resolve("doc-" + i + ".txt"), "batch document " + i);
        }
        app = TestApp.start(TestDatabase.sqlite(tmp), tmp.resolve("data"), Map.of(
                "cortex.local-source-roots", sources.toString(), "cortex.api.max-batch-jobs", "5"));
        project = app.postJson("/api/projects", "{\"name\":\"batch\"}").json().get("id").asText();
    }

    @AfterAll
    void stop() {
        app.close();
    }

    private String batch(int... docs) {
        List<String> items = new ArrayList<>();
        for (int d : docs) {
            items.add(d < 0 ? "{\"source_path\":\"/etc/passwd\"}" : "{\"source_path\":\"" + sources.resolve("doc-" + d + ".txt") + "\"}");
        }
        return "{\"jobs\":[" + String.join(",", items) + "]}";
    }

    private String path() {
        return "/api/projects/" + project + "/ingest/batch";
    }

    private long total() {
        return app.get("/api/projects/" + project + "/ingest/jobs").json().get("total").asLong();
    }

    @Test
    void aBatchCreatesEveryJobInOrderAndEachCompletes() {
        Reply reply = app.postJson(path(), batch(0, 1, 2));
        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
        JsonNode items = reply.json().get("items");
        assertThat(items).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(items.get(i).get("original_filename").asText()).isEqualTo("doc-" + i + ".txt");
            assertThat(items.get(i).get("task_id").isNull()).as("handed to the queue").isFalse();
            String id = items.get(i).get("id").asText();
            await().atMost(Duration.ofSeconds(30)).until(() -> app.get("/api/projects/" + project + "/ingest/jobs/" + id)
                    .json().get("status").asText().equals("completed"));
        }
    }

    @Test
    void oneRefusedItemRefusesTheBatchAndNamesItsIndex() {
        long before = total();
        Reply reply = app.postJson(path(), batch(0, -1, 2, -1));
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().get("detail").asText()).isEqualTo("2 of 4 job requests refused; nothing was created");
        JsonNode errors = reply.json().get("errors");
        assertThat(errors).hasSize(2);
        assertThat(errors.get(0).get("index").asInt()).isEqualTo(1);
        assertThat(errors.get(1).get("index").asInt()).isEqualTo(3);
        assertThat(errors.get(0).get("detail").asText()).isNotBlank();
        assertThat(total()).as("nothing created").isEqualTo(before);
    }

    @Test
    void aBatchOutsideItsBoundsOrNotABatchIsRefused() {
        long before = total();
        assertThat(app.postJson(path(), batch(0, 1, 2, 3, 4, 0)).json().get("detail").asText())
                .isEqualTo("Field 'jobs' must hold 1 to 5 job requests; it has 6");
        assertThat(app.postJson(path(), "{\"jobs\":[]}").status()).isEqualTo(400);
        assertThat(app.postJson(path(), "{\"jobs\":{}}").status()).isEqualTo(400);
        assertThat(app.postJson(path(), "[1,2]").status()).isEqualTo(400);
        assertThat(app.postJson(path(), "{\"jobs\":[1]}").json().get("errors").get(0).get("detail").asText())
                .isEqualTo("Each job request must be a JSON object");
        assertThat(total()).isEqualTo(before);
    }

    @Test
    void anIdempotencyKeyReplaysTheWholeBatch() {
        Reply first = keyed("batch-key-1", batch(3, 4));
        assertThat(first.status()).isEqualTo(201);
        long after = total();
        Reply again = keyed("batch-key-1", batch(3, 4));
        assertThat(again.status()).isEqualTo(201);
        List<String> ids = ids(first);
        assertThat(ids(again)).isEqualTo(ids);
        assertThat(total()).as("the replay created nothing").isEqualTo(after);
        assertThat(keyed("batch-key-1", batch(3)).status()).as("the key with another batch").isEqualTo(409);
    }

    private Reply keyed(String key, String body) {
        return app.send(HttpRequest.newBuilder(app.uri(path())).header("Content-Type", "application/json")
                .header("Idempotency-Key", key).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static List<String> ids(Reply reply) {
        List<String> ids = new ArrayList<>();
        reply.json().get("items").forEach(j -> ids.add(j.get("id").asText()));
        return ids;
    }
}
