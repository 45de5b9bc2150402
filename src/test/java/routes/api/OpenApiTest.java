package routes.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import routes.support.ApiClient.Reply;
import routes.support.TestApp;
import routes.support.TestDatabase;

/**
 * /api/openapi.json: a valid OpenAPI 3 document (the swagger parser finds nothing wrong), naming every operation of
 * the REST DSL, and describing what the service really answers: a response of every route, success and error, is
 * checked against the schema the document gives for its status.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiTest {

    static final ObjectMapper JSON = new ObjectMapper();
    TestApp app;
    JsonNode doc;
    Path file;
    final List<String> checked = new ArrayList<>();

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        Path sources = Files.createDirectories(dir.resolve("sources"));
        file = Files.writeString(sources.resolve("guide.md"), "# Guide\n\nHow to use the service.\n");
        app = TestApp.start(TestDatabase.sqlite(dir), dir.resolve("data"), Map.of("cortex.local-source-roots",
                sources.toString(), "cortex.http.upload-idle-timeout-ms", "1000"));
        Reply reply = app.get("/api/openapi.json");
        assertThat(reply.status()).isEqualTo(200);
        doc = reply.json();
    }

    @AfterAll
    void stop() {
        app.close();
    }

    @Test
    void theDocumentIsValidOpenApi3() {
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(doc.toString());
        assertThat(result.getMessages()).isEmpty();
        assertThat(result.getOpenAPI().getPaths()).isNotEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyOperationOfTheRestDslIsInTheDocument() throws Exception {
        List<Object> files = (List<Object>) new Load(LoadSettings.builder().build())
                .loadFromString(Files.readString(Path.of("src/main/resources/camel/rest-api.camel.yaml")));
        Map<String, Object> rest = (Map<String, Object>) ((Map<String, Object>) files.get(0)).get("rest");
        int operations = 0;
        for (String verb : List.of("get", "post", "put", "delete", "patch")) {
            for (Object op : (List<Object>) rest.getOrDefault(verb, List.of())) {
                String path = rest.get("path") + (String) ((Map<String, Object>) op).get("path");
                assertThat(doc.at("/paths").has(path)).as(path).isTrue();
                assertThat(doc.at("/paths").get(path).has(verb)).as(verb + " " + path).isTrue();
                operations++;
            }
        }
        assertThat(operations).isEqualTo(18);
        assertThat(doc.at("/paths/~1api~1projects~1{project_id}~1ingest~1upload/post").isMissingNode()).isFalse();
    }

    /** Checks an answer against the document: its status is listed for the operation, its body has that schema. */
    private Reply check(String method, String path, Reply reply) {
        String pointer = "/paths/" + path.replace("~", "~0").replace("/", "~1") + "/" + method + "/responses/"
                + reply.status();
        assertThat(doc.at(pointer).isMissingNode()).as(method + " " + path + " answered " + reply.status()
                + ", which the document does not list: " + reply.body()).isFalse();
        if (doc.at(pointer + "/content/application~1json/schema").isMissingNode()) {
            assertThat(reply.body()).as("no body documented for " + pointer).isEmpty();
        } else {
            var schema = SchemaRegistry.withDefaultDialect(Dialects.getOpenApi30())
                    .getSchema(SchemaLocation.of("classpath:openapi/openapi.json#" + pointer
                            + "/content/application~1json/schema"));
            assertThat(schema.validate(reply.json())).as(method + " " + path + " " + reply.status() + ": " + reply.body())
                    .isEmpty();
        }
        checked.add(method + " " + path + " " + reply.status());
        return reply;
    }

    @Test
    void theAnswersOfEveryRouteMatchTheirSchemas() throws Exception {
        int before = checked.size();
        String projects = "/api/projects";
        String p = check("post", projects, app.postJson(projects, "{\"name\":\"contract\",\"description\":\"d\"}"))
                .json().get("id").asText();
        check("post", projects, app.postJson(projects, "{\"name\":\"\"}"));
        check("get", projects, app.get(projects));
        check("get", "/api/projects/{project_id}", app.get(projects + "/" + p));
        check("get", "/api/projects/{project_id}", app.get(projects + "/" + java.util.UUID.randomUUID()));

        String jobs = projects + "/" + p + "/ingest/jobs";
        String job = check("post", "/api/projects/{project_id}/ingest/jobs",
                app.postJson(jobs, "{\"source_path\":\"" + file + "\"}")).json().get("id").asText();
        check("post", "/api/projects/{project_id}/ingest/jobs", app.postJson(jobs, "{}"));
        check("get", "/api/projects/{project_id}/ingest/jobs", app.get(jobs));
        check("get", "/api/projects/{project_id}/ingest/jobs", app.get(jobs + "?limit=0"));
        check("get", "/api/projects/{project_id}/ingest/jobs/{job_id}", app.get(jobs + "/" + job));
        check("get", "/api/projects/{project_id}/ingest/jobs/{job_id}", app.get(jobs + "/nope"));

        String ingest = projects + "/" + p + "/ingest";
        check("post", "/api/projects/{project_id}/ingest", app.postJson(ingest,
                "{\"source_type\":\"text\",\"content\":\"inline\"}"));
        check("post", "/api/projects/{project_id}/ingest", app.postJson(ingest, "{\"source_type\":\"video\"}"));
        String upload = ingest + "/upload";
        check("post", "/api/projects/{project_id}/ingest/upload",
                app.upload(upload, "hello.txt", "hello".getBytes(StandardCharsets.UTF_8), "text/plain", null));
        check("post", "/api/projects/{project_id}/ingest/upload",
                app.upload(upload, "run.exe", "MZ".getBytes(StandardCharsets.UTF_8), "application/x-msdownload", null));

        await().atMost(Duration.ofSeconds(30)).until(() -> app.get(jobs + "/" + job).json().get("status").asText()
                .equals("completed"));
        JsonNode docs = check("get", "/api/projects/{project_id}/ingest/jobs/{job_id}/documents",
                app.get(jobs + "/" + job + "/documents")).json();
        String document = docs.at("/items/0/id").asText();
        String chunks = projects + "/" + p + "/documents/" + document + "/chunks";
        check("get", "/api/projects/{project_id}/documents/{document_id}/chunks", app.get(chunks));
        check("get", "/api/projects/{project_id}/documents/{document_id}/chunks", app.get(chunks + "?cursor=forged"));
        String search = projects + "/" + p + "/search";
        await().atMost(Duration.ofSeconds(60)).until(() -> app.get("/observe/health/ready").status() == 200);
        JsonNode found = check("post", "/api/projects/{project_id}/search",
                app.postJson(search, "{\"query\":\"how to use the service\",\"k\":3}")).json();
        check("post", "/api/projects/{project_id}/search", app.postJson(search, "{\"query\":\"\"}"));
        check("post", "/api/projects/{project_id}/search",
                app.postJson(projects + "/" + java.util.UUID.randomUUID() + "/search", "{\"query\":\"x\"}"));
        String chunk = found.at("/items/0/chunk_id").asText();
        check("get", "/api/projects/{project_id}/chunks/{chunk_id}", app.get(projects + "/" + p + "/chunks/" + chunk));
        check("get", "/api/projects/{project_id}/chunks/{chunk_id}", app.get(projects + "/" + p + "/chunks/nope"));
        check("post", "/api/projects/{project_id}/ingest/jobs/{job_id}/cancel", app.post(jobs + "/" + job + "/cancel"));

        app.context().getRouteController().stopRoute("job-worker-consume");
        try {
            String queued = app.postJson(jobs, "{\"source_path\":\"" + file + "\"}").json().get("id").asText();
            check("post", "/api/projects/{project_id}/ingest/jobs/{job_id}/cancel", app.post(jobs + "/" + queued + "/cancel"));
            check("delete", "/api/projects/{project_id}/ingest/jobs/{job_id}", app.delete(jobs + "/" + queued));
            check("delete", "/api/projects/{project_id}/ingest/jobs/{job_id}", app.delete(jobs + "/" + queued));
        } finally {
            app.context().getRouteController().startRoute("job-worker-consume");
        }
        check("get", "/api/stream/projects/{project_id}/ingest/{job_id}/events",
                app.get("/api/stream/projects/" + p + "/ingest/" + java.util.UUID.randomUUID() + "/events"));
        assertThat(checked.size() - before).isEqualTo(28);
    }

    /**
     * The error answers any operation can give, asked of every operation the document names (streams and the admin's
     * key routes aside: StreamTest and the key tests cover theirs): an unknown project, and for JSON bodies the wrong
     * media type, malformed JSON and a body over the limit. Each answer's status must be listed, with its schema.
     */
    @Test
    void theErrorAnswersOfEveryOperationAreListed() {
        String p = app.postJson("/api/projects", "{\"name\":\"errors\"}").json().get("id").asText();
        int asked = 0;
        for (var path : (Iterable<Map.Entry<String, JsonNode>>) doc.get("paths")::fields) {
            if (path.getKey().startsWith("/api/stream/") || path.getKey().contains("/keys")
                    || !path.getKey().contains("{project_id}")) {
                continue;
            }
            for (var op : (Iterable<Map.Entry<String, JsonNode>>) path.getValue()::fields) {
                if (op.getKey().equals("parameters")) {
                    continue;
                }
                String method = op.getKey();
                boolean json = op.getValue().at("/requestBody/content/application~1json").isObject();
                java.util.function.Function<String, String> at = project -> path.getKey()
                        .replace("{project_id}", project).replaceAll("\\{[a-z_]+}", java.util.UUID.randomUUID().toString());
                check(method, path.getKey(), send(method, at.apply(java.util.UUID.randomUUID().toString()),
                        json ? "application/json" : null, json ? "{}" : null));
                asked++;
                if (json) {
                    check(method, path.getKey(), send(method, at.apply(p), "application/x-www-form-urlencoded", "a=b"));
                    check(method, path.getKey(), send(method, at.apply(p), "application/json", "{\"name\":"));
                    check(method, path.getKey(), send(method, at.apply(p), "application/json",
                            "{\"name\":\"" + "x".repeat(70 * 1024) + "\"}"));
                    asked += 3;
                }
            }
        }
        assertThat(asked).as("14 operations, 4 of them with JSON bodies").isEqualTo(26);
    }

    /** The stream routes' refusals and the stalled upload: their statuses are listed too, with the error schema. */
    @Test
    void theStreamsRefusalsAndAStalledUploadAreListed() throws Exception {
        String p = app.postJson("/api/projects", "{\"name\":\"streams\"}").json().get("id").asText();
        String job = app.postJson("/api/projects/" + p + "/ingest", "{\"source_type\":\"text\",\"content\":\"s\"}")
                .json().get("job_id").asText();
        // a WebSocket route asked without the handshake: 400
        check("get", "/api/stream/projects/{project_id}/ingest", app.get("/api/stream/projects/" + p + "/ingest"));
        check("get", "/api/stream/projects/{project_id}/ingest/{job_id}",
                app.get("/api/stream/projects/" + p + "/ingest/" + job));
        String events = "/api/stream/projects/" + p + "/ingest/" + job + "/events";
        check("get", "/api/stream/projects/{project_id}/ingest/{job_id}/events", app.get(events + "?lastEventId=999999"));
        await().atMost(Duration.ofSeconds(30)).until(() -> app.get("/api/projects/" + p + "/ingest/jobs/" + job).json()
                .get("status").asText().equals("completed"));
        long last = lastEventOf(events);
        // resumed after its last event: 204, no body
        check("get", "/api/stream/projects/{project_id}/ingest/{job_id}/events", app.get(events + "?lastEventId=" + last));
        check("post", "/api/projects/{project_id}/ingest/upload", stalledUpload("/api/projects/" + p + "/ingest/upload"));
    }

    /** The id of a finished job's last event (its stream from the start, read to its end). */
    private long lastEventOf(String events) throws Exception {
        List<JsonNode> all = routes.support.StreamClient.events(app, events, "0", 1000);
        return all.get(all.size() - 1).get("id").asLong();
    }

    /** An upload that sends its head and a few bytes, then nothing: the answer, read from the socket. */
    private Reply stalledUpload(String path) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", app.uri("/").getPort())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type:"
                    + " multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n--b\r\nContent-Disposition:"
                    + " form-data; name=\"file\"; filename=\"slow.txt\"\r\nContent-Type: text/plain\r\n\r\nsome bytes")
                    .getBytes(StandardCharsets.US_ASCII));
            String text = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int status = Integer.parseInt(text.substring(9, 12));
            String body = text.substring(text.indexOf("\r\n\r\n") + 4);
            return new Reply(status, body, JSON.readTree(body), Map.of());
        }
    }

    /** With project keys on, every operation but the document's own answers 401 to a request without a key. */
    @Test
    void withKeysOnEveryOperationAnswers401AsListed(@TempDir Path dir) {
        try (TestApp keyed = TestApp.start(TestDatabase.sqlite(dir), dir.resolve("data"), Map.of(
                "cortex.auth.enabled", "true", "cortex.auth.admin-key", "admin-key-for-the-openapi-test-0123456789"))) {
            int asked = 0;
            for (var path : (Iterable<Map.Entry<String, JsonNode>>) doc.get("paths")::fields) {
                if (path.getKey().equals("/api/openapi.json")) {
                    continue;
                }
                for (var op : (Iterable<Map.Entry<String, JsonNode>>) path.getValue()::fields) {
                    if (op.getKey().equals("parameters")) {
                        continue;
                    }
                    String at = path.getKey().replaceAll("\\{[a-z_]+}", java.util.UUID.randomUUID().toString());
                    Reply reply = keyed.send(java.net.http.HttpRequest.newBuilder(keyed.uri(at)).method(
                            op.getKey().toUpperCase(java.util.Locale.ROOT), java.net.http.HttpRequest.BodyPublishers
                                    .noBody()));
                    assertThat(reply.status()).as(op.getKey() + " " + at).isEqualTo(401);
                    check(op.getKey(), path.getKey(), reply);
                    asked++;
                }
            }
            assertThat(asked).isEqualTo(22);
        }
    }

    private Reply send(String method, String path, String contentType, String body) {
        var request = java.net.http.HttpRequest.newBuilder(app.uri(path)).method(method.toUpperCase(java.util.Locale.ROOT),
                body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                        : java.net.http.HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return app.send(request);
    }
}
