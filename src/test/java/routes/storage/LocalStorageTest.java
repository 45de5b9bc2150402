package routes.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import routes.support.LargeUploads;
import routes.support.TestApp;
import routes.support.TestDatabase;

/** Large uploads on the local backend: stored byte for byte where their source_uri says. */
class LocalStorageTest {

    @TempDir
    Path tmp;

    @Test
    void largeUploadsAreStoredByteForByte() throws Exception {
        try (TestApp app = TestApp.start(TestDatabase.sqlite(tmp), tmp.resolve("data"),
                Map.of("cortex.storage.max-upload-mb", "256"))) {
            app.context().getRouteController().stopRoute("job-worker-consume");
            String p = app.postJson("/api/projects", "{\"name\":\"local\"}").json().get("id").asText();
            LargeUploads.check(app, p, job -> {
                assertThat(job.get("source_uri").asText()).startsWith("file:");
                return Sha256.of(Path.of(job.get("source_path").asText()));
            });
            assertThat(app.filesUnder("tmp")).isZero();
        }
    }
}
