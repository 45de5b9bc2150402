package routes.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import routes.db.Database;
import routes.support.ApiClient.Reply;
import routes.support.StreamClient;
import routes.support.TestApp;
import routes.support.TestDatabase;

/**
 * Per-project API keys (CORTEX_AUTH_ENABLED): the admin key creates projects, each project's keys open that
 * project's routes, uploads and streams, a request without a valid key is 401 JSON, another project's resources are
 * the same 404 as an unknown project, keys are stored hashed, listed without their secret, rotated and revoked.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiKeysTest {

    static final String ADMIN = "admin-key-0123456789-abcdefgh";

    TestApp app;
    String a;
    String aKey;
    String b;

    @BeforeAll
    void start(@TempDir Path tmp) {
        app = TestApp.start(TestDatabase.sqlite(tmp), tmp.resolve("data"), Map.of("cortex.auth.enabled", "true",
                "cortex.auth.admin-key", ADMIN, "cortex.auth.cache-seconds", "1"));
        JsonNode created = send(ADMIN, "POST", "/api/projects", "{\"name\":\"a\"}").json();
        a = created.get("id").asText();
        aKey = created.at("/api_key/key").asText();
        b = send(ADMIN, "POST", "/api/projects", "{\"name\":\"b\"}").json().get("id").asText();
    }

    @AfterAll
    void stop() {
        app.close();
    }

    private Reply send(String key, String method, String path, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(app.uri(path)).method(method, json == null
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return app.send(request);
    }

    @Test
    void withoutAValidKeyEveryRouteIs401Json() {
        for (String path : List.of("/api/projects", "/api/projects/" + a, "/api/projects/" + a + "/ingest/jobs",
                "/api/projects/" + a + "/keys", "/api/stream/projects/" + a + "/ingest/" + UUID.randomUUID() + "/events")) {
            for (String key : new String[] {null, "cik_not-a-key", "wrong"}) {
                Reply r = send(key, "GET", path, null);
                assertThat(r.status()).as(key + " " + path).isEqualTo(401);
                assertThat(r.detail()).as(path).isNotBlank();
            }
        }
        assertThat(send(null, "POST", "/api/projects", "{\"name\":\"x\"}").status()).isEqualTo(401);
        assertThat(send(null, "GET", "/api/projects/" + a, null).detail()).contains("Authorization: Bearer");
        // the API's description stays public
        assertThat(send(null, "GET", "/api/openapi.json", null).status()).isEqualTo(200);
    }

    @Test
    void aProjectKeyOpensItsProjectOnly() {
        assertThat(send(aKey, "GET", "/api/projects/" + a, null).status()).isEqualTo(200);
        assertThat(send(aKey, "GET", "/api/projects", null).json().get("items")).hasSize(1)
                .allSatisfy(p -> assertThat(p.get("id").asText()).isEqualTo(a));
        Reply created = send(aKey, "POST", "/api/projects/" + a + "/ingest",
                "{\"source_type\":\"text\",\"content\":\"with a key\"}");
        assertThat(created.status()).isEqualTo(200);
        Reply upload = app.send(HttpRequest.newBuilder(app.uri("/api/projects/" + a + "/ingest/upload"))
                .header("Authorization", "Bearer " + aKey)
                .header("Content-Type", "multipart/form-data; boundary=b")
                .POST(HttpRequest.BodyPublishers.ofString("--b\r\nContent-Disposition: form-data; name=\"file\";"
                        + " filename=\"k.txt\"\r\nContent-Type: text/plain\r\n\r\nuploaded with a key\r\n--b--\r\n",
                        StandardCharsets.UTF_8)));
        assertThat(upload.status()).as(upload.body()).isEqualTo(200);
        // the other project is an unknown project for this key: the same 404, nothing to tell them apart
        String unknown = UUID.randomUUID().toString();
        for (String suffix : List.of("", "/ingest/jobs", "/keys")) {
            Reply other = send(aKey, "GET", "/api/projects/" + b + suffix, null);
            Reply none = send(aKey, "GET", "/api/projects/" + unknown + suffix, null);
            assertThat(other.status()).isEqualTo(404).isEqualTo(none.status());
            assertThat(other.detail().replace(b, "ID")).isEqualTo(none.detail().replace(unknown, "ID"));
        }
        assertThat(send(aKey, "POST", "/api/projects/" + b + "/ingest",
                "{\"source_type\":\"text\",\"content\":\"into b\"}").status()).isEqualTo(404);
        // creating projects is the admin's
        assertThat(send(aKey, "POST", "/api/projects", "{\"name\":\"mine\"}").status()).isEqualTo(401);
        assertThat(send(ADMIN, "GET", "/api/projects", null).json().get("items").size()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void streamsTakeTheKeyAsAQueryParameter() throws Exception {
        try (StreamClient.Socket socket = StreamClient.connect(app, "/api/stream/projects/" + a + "/ingest?access_token="
                + aKey)) {
            String job = send(aKey, "POST", "/api/projects/" + a + "/ingest",
                    "{\"source_type\":\"text\",\"content\":\"streamed\"}").json().get("job_id").asText();
            socket.until(e -> e.at("/job/id").asText().equals(job) && e.at("/job/status").asText().equals("completed"));
            String events = app.get("/api/stream/projects/" + a + "/ingest/" + job + "/events?access_token=" + aKey).body();
            assertThat(events).contains("completed");
        }
        assertThat(app.get("/api/stream/projects/" + b + "/ingest?access_token=" + aKey).status()).isEqualTo(404);
        // anywhere else a key in the URL ends up in proxy logs and browser history: not taken
        var inUrl = app.get("/api/projects/" + a + "/ingest/jobs?access_token=" + aKey);
        assertThat(inUrl.status()).isEqualTo(401);
        assertThat(inUrl.detail()).contains("Authorization: Bearer");
        assertThat(app.get("/api/projects?access_token=" + ADMIN).status()).isEqualTo(401);
    }

    @Test
    void keysAreHashedListedWithoutSecretsRotatedAndRevoked() {
        JsonNode second = send(aKey, "POST", "/api/projects/" + a + "/keys", null).json();
        String secondKey = second.get("key").asText();
        assertThat(secondKey).startsWith("cik_").isNotEqualTo(aKey);
        Reply listed = send(secondKey, "GET", "/api/projects/" + a + "/keys", null);
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.body()).doesNotContain(aKey).doesNotContain(secondKey);
        assertThat(listed.json().get("items").size()).isGreaterThanOrEqualTo(2);
        Database db = app.bean("database", Database.class);
        List<String> stored = db.read(c -> db.query(c, "SELECT key_hash FROM project_keys", rs -> rs.getString(1)));
        assertThat(stored).doesNotContain(aKey, secondKey).allSatisfy(h -> assertThat(h).hasSize(64));

        // rotation: a new key is made, clients move to it, the old one is revoked and stops working
        String oldKey = send(ADMIN, "POST", "/api/projects/" + a + "/keys", null).json().get("key").asText();
        String oldId = send(ADMIN, "GET", "/api/projects/" + a + "/keys", null).json().get("items")
                .findValuesAsText("id").stream().reduce((x, y) -> y).orElseThrow();
        assertThat(send(oldKey, "GET", "/api/projects/" + a, null).status()).isEqualTo(200);
        assertThat(send(secondKey, "DELETE", "/api/projects/" + a + "/keys/" + oldId, null).status()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(5)).until(() -> send(oldKey, "GET", "/api/projects/" + a, null).status() == 401);
        assertThat(send(secondKey, "GET", "/api/projects/" + a, null).status()).isEqualTo(200);
        assertThat(send(secondKey, "DELETE", "/api/projects/" + a + "/keys/" + oldId, null).status()).isEqualTo(404);
    }

    @Test
    void authNeedsALongAdminKey(@TempDir Path tmp) {
        assertThatThrownBy(() -> TestApp.start(TestDatabase.sqlite(tmp), tmp.resolve("data"),
                Map.of("cortex.auth.enabled", "true", "cortex.auth.admin-key", "short")))
                .hasStackTraceContaining("cortex.auth.admin-key").hasStackTraceContaining("24 characters");
    }
}
