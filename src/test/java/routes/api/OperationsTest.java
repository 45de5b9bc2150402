package routes.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import routes.support.ApiClient.Reply;
import routes.support.TestApp;
import routes.support.TestDatabase;

/** What an operator and a browser front-end meet: metrics that move, request ids, CORS for the allowed origins. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperationsTest {

    static final String ORIGIN = "https://app.example.org";
    TestApp app;

    @BeforeAll
    void start(@TempDir Path dir) {
        app = TestApp.start(TestDatabase.sqlite(dir), dir.resolve("data"), Map.of("cortex.http.cors-origins", ORIGIN));
    }

    @AfterAll
    void stop() {
        app.close();
    }

    private String metrics() {
        return app.get("/observe/metrics").body();
    }

    private static double value(String metrics, String series) {
        // a series by its name, or by its name and the start of its labels
        return metrics.lines().filter(l -> l.startsWith(series + " ") || l.startsWith(series + "{")
                || (series.contains("{") && l.startsWith(series))).mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    @Test
    void metricsCountJobsAsTheyComplete() {
        String before = metrics();
        assertThat(before).contains("cortex_jobs_submitted_total").contains("jvm_memory_used_bytes")
                .contains("cortex_queue_depth").contains("cortex_stream_clients");
        double created = value(before, "cortex_jobs_submitted_total");
        double completed = value(before, "cortex_jobs_moves_total{move=\"complete\"");
        String project = app.postJson("/api/projects", "{\"name\":\"metrics\"}").json().get("id").asText();
        for (int i = 0; i < 3; i++) {
            assertThat(app.postJson("/api/projects/" + project + "/ingest",
                    "{\"source_type\":\"text\",\"content\":\"counted " + i + "\"}").status()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> value(metrics(), "cortex_jobs_moves_total{move=\"complete\"")
                >= completed + 3);
        String after = metrics();
        assertThat(value(after, "cortex_jobs_submitted_total")).isEqualTo(created + 3);
        assertThat(after).contains("cortex_stage_duration_seconds_count{stage=\"extract\"}")
                .contains("cortex_queue_wait_seconds_count").contains("camel_exchanges_total")
                .contains("cortex_events_relayed_total");
        assertThat(after).doesNotContain(project);
    }

    @Test
    void everyAnswerCarriesARequestIdTheClientsOwnWhenSane() {
        Reply generated = app.get("/api/projects");
        assertThat(generated.headers().get("x-request-id")).singleElement().asString().hasSizeGreaterThan(8);
        Reply given = app.send(HttpRequest.newBuilder(app.uri("/api/projects")).header("X-Request-Id", "trace-42").GET());
        assertThat(given.headers().get("x-request-id")).containsExactly("trace-42");
        Reply hostile = app.send(HttpRequest.newBuilder(app.uri("/api/projects")).header("X-Request-Id", "a b<script>").GET());
        assertThat(hostile.headers().get("x-request-id")).singleElement().asString().doesNotContain("<");
    }

    @Test
    void corsPreflightPassesForAnAllowedOriginAndFailsForAnother() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> allowed = http.send(preflight(ORIGIN), HttpResponse.BodyHandlers.ofString());
        assertThat(allowed.statusCode()).isBetween(200, 204);
        assertThat(allowed.headers().firstValue("access-control-allow-origin")).contains(ORIGIN);
        HttpResponse<String> other = http.send(preflight("https://evil.example.com"), HttpResponse.BodyHandlers.ofString());
        assertThat(other.headers().firstValue("access-control-allow-origin")).isEmpty();
        assertThat(other.statusCode()).isEqualTo(403);
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(app.uri("/api/projects")).header("Origin", ORIGIN)
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.headers().firstValue("access-control-allow-origin")).contains(ORIGIN);
    }

    private HttpRequest preflight(String origin) {
        return HttpRequest.newBuilder(URI.create(app.uri("/api/projects").toString()))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", origin)
                .header("Access-Control-Request-Method", "POST").header("Access-Control-Request-Headers", "content-type")
                .build();
    }

    @Test
    void whileTheServiceStartsTheApiAnswers503JsonNeverAnHtmlPage(@TempDir Path dir) throws Exception {
        int port = TestApp.freePort();
        var starting = java.util.concurrent.CompletableFuture.supplyAsync(() -> TestApp.start(TestDatabase.sqlite(dir),
                dir.resolve("data"), Map.of("cortex.http.port", String.valueOf(port))));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();
        java.util.List<String> answers = new java.util.ArrayList<>();
        try {
            while (true) {
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                            + "/api/projects")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                    answers.add(r.statusCode() + " " + r.headers().firstValue("content-type").orElse("") + " " + r.body());
                    if (r.statusCode() == 200) {
                        break;
                    }
                } catch (java.io.IOException notListening) {
                    assertThat(starting.isCompletedExceptionally()).as("the service failed to start").isFalse();
                }
            }
            assertThat(answers).allSatisfy(a -> assertThat(a).matches("(200|503) application/json.*"));
            assertThat(answers.stream().filter(a -> a.startsWith("503")))
                    .allSatisfy(a -> assertThat(a).contains("\"detail\":\"Starting"));
        } finally {
            starting.get().close();
        }
    }

    @Test
    void aStreamOpensForTheServicesOwnPagesAndAllowedOriginsOnly() throws Exception {
        String project = app.postJson("/api/projects", "{\"name\":\"origins\"}").json().get("id").asText();
        URI stream = URI.create(app.uri("/api/stream/projects/" + project + "/ingest").toString().replaceFirst("^http", "ws"));
        HttpClient http = HttpClient.newHttpClient();
        var listener = new java.net.http.WebSocket.Listener() {
        };
        for (String origin : new String[] {ORIGIN, "http://" + stream.getAuthority()}) {
            java.net.http.WebSocket socket = http.newWebSocketBuilder().header("Origin", origin)
                    .buildAsync(stream, listener).get(10, java.util.concurrent.TimeUnit.SECONDS);
            socket.abort();
        }
        Throwable refused = org.assertj.core.api.Assertions.catchThrowable(() -> http.newWebSocketBuilder()
                .header("Origin", "https://evil.example.com").buildAsync(stream, listener).join());
        assertThat(refused).hasCauseInstanceOf(java.net.http.WebSocketHandshakeException.class);
        assertThat(((java.net.http.WebSocketHandshakeException) refused.getCause()).getResponse().statusCode())
                .isEqualTo(403);
    }
}
