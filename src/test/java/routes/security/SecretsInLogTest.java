package routes.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import routes.support.ProcessApp;
import routes.support.TestDatabase;

/**
 * No secret reaches the log, at any level: the service started as an operator starts it (its own log configuration)
 * at DEBUG, with every secret set (the admin key, a password inside the database URL and beside it, the broker's
 * user, the storage secret), asked to do what logs the most (requests with keys, a source URL carrying
 * credentials), then stopped; the whole log is searched for every secret.
 */
class SecretsInLogTest {

    private static final String ADMIN = "admin-secret-7c1f0e9a44b2d8e6";
    private static final String DB_URL_PASSWORD = "url-password-5e8a2c";
    private static final String DB_PASSWORD = "db-password-91b3d7";
    private static final String BROKER_PASSWORD = "broker-password-2f6e04";
    private static final String S3_SECRET = "s3-secret-b7d19c42";
    private static final String URL_PASSWORD = "source-password-0a4c";
    private static final String URL_TOKEN = "source-token-e5d2b1";

    @TempDir
    Path tmp;

    @Test
    void noSecretInAnyLineOfTheLog() throws Exception {
        String db = TestDatabase.freshPostgres();
        Map<String, String> env = ProcessApp.env(tmp, db + (db.contains("?") ? "&" : "?") + "password=" + DB_URL_PASSWORD,
                "all");
        env.put("CORTEX_LOG_LEVEL", "DEBUG");
        env.put("CORTEX_AUTH_ENABLED", "true");
        env.put("CORTEX_AUTH_ADMIN_KEY", ADMIN);
        env.put("CORTEX_DATABASE_PASSWORD", DB_PASSWORD);
        env.put("CORTEX_BROKER_USER", "cortex");
        env.put("CORTEX_BROKER_PASSWORD", BROKER_PASSWORD);
        env.put("CORTEX_STORAGE_ACCESS_KEY", "cortex");
        env.put("CORTEX_STORAGE_SECRET_KEY", S3_SECRET);
        Path log;
        try (ProcessApp app = ProcessApp.startWith(tmp, "secrets", env,
                List.of("-Dlog4j2.configurationFile=log4j2.properties"))) {
            log = app.log();
            String project = app.send(HttpRequest.newBuilder(app.uri("/api/projects"))
                    .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"secrets\"}"))).json().get("id").asText();
            app.send(HttpRequest.newBuilder(app.uri("/api/projects/" + project + "/ingest/jobs"))
                    .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"source_uri\":\"https://user:" + URL_PASSWORD
                            + "@example.invalid/doc.txt?access_token=" + URL_TOKEN + "\"}")));
            String text = app.send(HttpRequest.newBuilder(app.uri("/api/projects/" + project + "/ingest"))
                    .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"source_type\":\"text\",\"content\":\"words\"}")))
                    .json().get("job_id").asText();
            await().atMost(Duration.ofSeconds(60)).until(() -> app.send(HttpRequest.newBuilder(
                    app.uri("/api/projects/" + project + "/ingest/jobs/" + text)).header("Authorization", "Bearer "
                    + ADMIN)).json().get("status").asText().equals("completed"));
            app.send(HttpRequest.newBuilder(app.uri("/api/projects?access_token=" + ADMIN)));
            assertThat(app.terminate(Duration.ofSeconds(30))).isTrue();
        }
        String all = Files.readString(log);
        assertThat(all).as("the log is at DEBUG").contains("DEBUG");
        for (String secret : List.of(ADMIN, DB_URL_PASSWORD, DB_PASSWORD, BROKER_PASSWORD, S3_SECRET, URL_PASSWORD,
                URL_TOKEN)) {
            assertThat(all.lines().filter(l -> l.contains(secret)).toList()).as("lines holding " + secret).isEmpty();
        }
    }
}
