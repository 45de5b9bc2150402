package routes.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import routes.storage.Sha256;

/** The large-upload check both storage backends pass: 5 MiB and 200 MiB, stored byte for byte with their SHA-256. */
public final class LargeUploads {

    private LargeUploads() {
    }

    /**
     * Uploads each size and checks the job's fields; {@code storedSha256} reads the stored object of a job back and
     * returns its SHA-256. The worker route should be stopped: processing 200 MiB of text would test extraction.
     */
    public static void check(ApiClient app, String project, Function<JsonNode, String> storedSha256) {
        for (int mib : new int[] {5, 200}) {
            byte[] content = new byte[mib * 1024 * 1024];
            byte[] line = "line of text for a large upload\n".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < content.length; i++) {
                content[i] = line[i % line.length];
            }
            ApiClient.Reply r = app.upload("/api/projects/" + project + "/ingest/upload", "large-" + mib + ".txt", content,
                    "text/plain", null);
            assertThat(r.status()).as(mib + " MiB").isEqualTo(200);
            String sha = Sha256.of(content);
            JsonNode job = r.json().get("job");
            assertThat(job.get("byte_size").asLong()).isEqualTo(content.length);
            assertThat(job.get("checksum").asText()).isEqualTo(sha);
            assertThat(storedSha256.apply(job)).as("stored bytes of " + mib + " MiB").isEqualTo(sha);
        }
    }
}
