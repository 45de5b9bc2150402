package routes.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import routes.support.ApiClient.Reply;
import routes.support.TestApp;
import routes.support.TestDatabase;

/**
 * Idempotency-Key as clients send it: the same JSON with its fields in another order is the same request, two keys on
 * one request are refused, and a replay after its job was deleted answers 409 alike on every creating route.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdempotencyKeyTest {

    TestApp app;
    Path source;
    String project;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        Path sources = Files.createDirectories(tmp.resolve("sources"));
        source = Files.writeString(sources.resolve("doc.txt"), "a document for the keys");
        app = TestApp.start(TestDatabase.sqlite(tmp), tmp.resolve("data"), Map.of(
                "cortex.local-source-roots", sources.toString()));
        project = app.postJson("/api/projects", "{\"name\":\"keys\"}").json().get("id").asText();
    }

    @AfterAll
    void stop() {
        app.close();
    }

    private String route(String rest) {
        return "/api/projects/" + project + rest;
    }

    private Reply keyed(String path, String body, String... keys) {
        HttpRequest.Builder request = HttpRequest.newBuilder(app.uri(path)).header("Content-Type", "application/json");
        for (String key : keys) {
            request.header("Idempotency-Key", key);
        }
        return app.send(request.POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private long total() {
        return app.get(route("/ingest/jobs?limit=1")).json().get("total").asLong();
    }

    @Test
    void theSameJsonWithItsFieldsInAnotherOrderIsTheSameRequest() {
        String path = route("/ingest");
        Reply first = keyed(path, "{\"source_type\":\"text\",\"content\":\"order\",\"document_key\":\"k-1\"}", "order-1");
        Reply again = keyed(path, "{ \"document_key\": \"k-1\", \"content\": \"order\", \"source_type\": \"text\" }",
                "order-1");
        assertThat(first.status()).isEqualTo(200);
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.json().get("job_id").asText()).isEqualTo(first.json().get("job_id").asText());
        // nested objects too: a batch's items
        String batch = route("/ingest/batch");
        Reply b1 = keyed(batch, "{\"jobs\":[{\"source_path\":\"" + source + "\",\"original_filename\":\"a.txt\"}]}",
                "order-2");
        Reply b2 = keyed(batch, "{\"jobs\":[{\"original_filename\":\"a.txt\",\"source_path\":\"" + source + "\"}]}",
                "order-2");
        assertThat(b2.status()).as(b2.body()).isEqualTo(201);
        assertThat(b2.json().get("items").get(0).get("id")).isEqualTo(b1.json().get("items").get(0).get("id"));
        // and another value is still another request
        assertThat(keyed(path, "{\"source_type\":\"text\",\"content\":\"other\",\"document_key\":\"k-1\"}", "order-1")
                .status()).isEqualTo(409);
    }

    @Test
    void twoIdempotencyKeysOnOneRequestAreRefusedAndCreateNothing() {
        long before = total();
        for (String rest : new String[] {"/ingest", "/ingest/jobs", "/ingest/batch"}) {
            String body = switch (rest) {
                case "/ingest" -> "{\"source_type\":\"text\",\"content\":\"two keys\"}";
                case "/ingest/jobs" -> "{\"source_path\":\"" + source + "\"}";
                default -> "{\"jobs\":[{\"source_path\":\"" + source + "\"}]}";
            };
            Reply twice = keyed(route(rest), body, "two-a", "two-b");
            assertThat(twice.status()).as(rest).isEqualTo(400);
            assertThat(twice.detail()).isEqualTo("Send one Idempotency-Key header; this request has 2");
        }
        Reply upload = app.send(HttpRequest.newBuilder(app.uri(route("/ingest/upload")))
                .header("Idempotency-Key", "two-a").header("Idempotency-Key", "two-b")
                .header("Content-Type", "multipart/form-data; boundary=b")
                .POST(HttpRequest.BodyPublishers.ofString("--b\r\nContent-Disposition: form-data; name=\"file\";"
                        + " filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b--\r\n")));
        assertThat(upload.status()).isEqualTo(400);
        assertThat(upload.detail()).isEqualTo("Send one Idempotency-Key header; this request has 2");
        assertThat(total()).isEqualTo(before);
        assertThat(app.filesUnder("tmp")).isZero();
    }

    @Test
    void aReplayAfterItsJobWasDeletedIsAConflictOnEveryCreatingRoute() {
        Map<String, Function<String, Reply>> routes = Map.of(
                "ingest", key -> keyed(route("/ingest"), "{\"source_type\":\"text\",\"content\":\"gone\"}", key),
                "jobs", key -> keyed(route("/ingest/jobs"), "{\"source_path\":\"" + source + "\"}", key),
                "batch", key -> keyed(route("/ingest/batch"), "{\"jobs\":[{\"source_path\":\"" + source + "\"}]}", key),
                "upload", key -> app.uploadWithKey(route("/ingest/upload"), key, "gone.txt", "gone".getBytes()));
        routes.forEach((name, create) -> {
            String key = "deleted-" + name;
            Reply first = create.apply(key);
            assertThat(first.status()).as(name + ": " + first.body()).isBetween(200, 202);
            String id = switch (name) {
                case "ingest", "upload" -> first.json().get("job_id").asText();
                case "batch" -> first.json().get("items").get(0).get("id").asText();
                default -> first.json().get("id").asText();
            };
            await().atMost(Duration.ofSeconds(30)).until(() -> app.get(route("/ingest/jobs/" + id)).json()
                    .get("status").asText().matches("completed|failed"));
            assertThat(app.delete(route("/ingest/jobs/" + id)).status()).isEqualTo(204);
            long before = total();
            Reply replay = create.apply(key);
            assertThat(replay.status()).as(name).isEqualTo(409);
            assertThat(replay.detail()).as(name).isEqualTo("This Idempotency-Key created job " + id
                    + ", deleted since; send the request with a new key to create it again");
            assertThat(total()).as(name + ": the replay created nothing").isEqualTo(before);
        });
    }
}
