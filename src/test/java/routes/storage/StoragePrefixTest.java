package routes.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import routes.support.ApiClient.Reply;
import routes.support.S3ProxyServer;
import routes.support.TestApp;
import routes.support.TestDatabase;

/** CORTEX_STORAGE_PREFIX with a slash at its end ("ingest/") still keeps one project from reading another's uploads. */
class StoragePrefixTest {

    @Test
    void aPrefixWithATrailingSlashStillSeparatesProjects(@TempDir Path dir) {
        try (S3ProxyServer s3 = S3ProxyServer.start(dir);
                TestApp app = TestApp.start(TestDatabase.sqlite(dir), dir.resolve("data"), Map.of(
                        "cortex.storage.backend", "s3", "cortex.storage.bucket", "cortex-prefix",
                        "cortex.storage.endpoint-url", s3.endpoint(),
                        "cortex.storage.access-key", S3ProxyServer.ACCESS_KEY,
                        "cortex.storage.secret-key", S3ProxyServer.SECRET_KEY,
                        "cortex.storage.prefix", "ingest/"))) {
            String mine = app.postJson("/api/projects", "{\"name\":\"mine\"}").json().get("id").asText();
            String theirs = app.postJson("/api/projects", "{\"name\":\"theirs\"}").json().get("id").asText();
            Reply upload = app.upload("/api/projects/" + theirs + "/ingest/upload", "theirs.txt", "theirs".getBytes(),
                    "text/plain", null);
            String uri = upload.json().at("/job/source_uri").asText();
            assertThat(uri).startsWith("s3://cortex-prefix/ingest/" + theirs + "/");
            Reply refused = app.postJson("/api/projects/" + mine + "/ingest/jobs", "{\"source_uri\":\"" + uri + "\"}");
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.detail()).contains("another project");
        }
    }
}
