package routes.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import routes.support.ApiClient.Reply;
import routes.support.TestApp;
import routes.support.TestDatabase;

/**
 * HEAD wherever GET is (the same status and headers, no body), streams refusing it; every 405 says in {@code Allow}
 * what the path does take; and what operators read names itself (app_info has a HELP text).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpMethodsTest {

    TestApp app;
    String project;
    String job;

    @BeforeAll
    void start(@TempDir Path tmp) {
        app = TestApp.start(TestDatabase.sqlite(tmp), tmp.resolve("data"), Map.of());
        project = app.postJson("/api/projects", "{\"name\":\"methods\"}").json().get("id").asText();
        job = app.postJson("/api/projects/" + project + "/ingest", "{\"source_type\":\"text\",\"content\":\"head\"}")
                .json().get("job_id").asText();
    }

    @AfterAll
    void stop() {
        app.close();
    }

    private Reply send(String method, String path) {
        return app.send(HttpRequest.newBuilder(app.uri(path)).method(method, HttpRequest.BodyPublishers.noBody()));
    }

    @Test
    void headAnswersAsGetWithoutTheBody() {
        String p = "/api/projects/" + project;
        for (String path : List.of("/", "/ui/app.js", "/api/openapi.json", "/api/projects", p, p + "/ingest/jobs",
                p + "/ingest/jobs/" + job, p + "/ingest/jobs?status=bogus", "/api/projects/" + java.util.UUID.randomUUID(),
                "/api/nothing-here", "/observe/health/live")) {
            Reply get = send("GET", path);
            Reply head = send("HEAD", path);
            assertThat(head.status()).as("HEAD " + path).isEqualTo(get.status());
            assertThat(head.body()).as("HEAD " + path).isEmpty();
            assertThat(head.headers().get("content-type")).as("HEAD " + path).isEqualTo(get.headers().get("content-type"));
            // a HEAD may leave out Content-Length (RFC 9110 9.3.2: known only once the body is made), and Vert.x does;
            // where it is sent it is the GET's (a list's body carries times that move: its length may differ)
            if (head.headers().containsKey("content-length") && !path.contains("/ingest/jobs")) {
                assertThat(head.headers().get("content-length")).as("HEAD " + path)
                        .isEqualTo(get.headers().get("content-length"));
            }
        }
        assertThat(send("HEAD", "/").status()).isEqualTo(200);
    }

    @Test
    void streamsRefuseHeadAndSayWhatTheyTake() {
        for (String path : List.of("/api/stream/projects/" + project + "/ingest",
                "/api/stream/projects/" + project + "/ingest/" + job,
                "/api/stream/projects/" + project + "/ingest/" + job + "/events")) {
            Reply head = send("HEAD", path);
            assertThat(head.status()).as(path).isEqualTo(405);
            assertThat(head.headers().get("allow")).as(path).containsExactly("GET");
            assertThat(head.headers().get("content-type")).as(path).containsExactly("application/json");
        }
    }

    @Test
    void everyMethodNotAllowedSaysWhichAre() {
        String p = "/api/projects/" + project;
        Map<String, String> refused = Map.of(
                "PUT /api/projects", "GET, HEAD, POST",
                "PATCH " + p, "GET, HEAD",
                "DELETE " + p + "/ingest/jobs", "GET, HEAD, POST",
                "POST /api/openapi.json", "GET, HEAD",
                "PUT " + p + "/ingest/jobs/" + job + "/cancel", "POST");
        refused.forEach((request, allowed) -> {
            String[] parts = request.split(" ");
            Reply reply = send(parts[0], parts[1]);
            assertThat(reply.status()).as(request).isEqualTo(405);
            assertThat(reply.detail()).as(request).isEqualTo("Method not allowed: " + request);
            assertThat(reply.headers().get("allow")).as(request).hasSize(1);
            assertThat(List.of(reply.headers().get("allow").get(0).split(",\\s*")).stream().sorted().toList())
                    .as(request).isEqualTo(List.of(allowed.split(", ")));
        });
    }

    @Test
    void everyMetricHasAHelpText() {
        String metrics = app.get("/observe/metrics").body();
        assertThat(metrics).contains("# TYPE app_info gauge");
        assertThat(metrics.lines().filter(l -> l.startsWith("# HELP ")).filter(l -> l.split(" ", 4).length < 4
                || l.split(" ", 4)[3].isBlank()).toList()).as("HELP lines without a text").isEmpty();
    }
}
