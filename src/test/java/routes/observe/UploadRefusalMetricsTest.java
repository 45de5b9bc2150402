package routes.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import routes.support.ApiClient.Reply;
import routes.support.SampleDocuments;
import routes.support.TestApp;
import routes.support.TestDatabase;

/** cortex_upload_rejected_total counts each refused upload under what it was refused for. */
class UploadRefusalMetricsTest {

    private static final Pattern REJECTED = Pattern.compile("(?m)^cortex_upload_rejected_total\\{reason=\"([a-z_]+)\"} ([0-9.]+)");

    @Test
    void eachRefusalCountsUnderItsReason(@TempDir Path tmp) {
        try (TestApp app = TestApp.start(TestDatabase.sqlite(tmp), tmp.resolve("data"), Map.of())) {
            String project = app.postJson("/api/projects", "{\"name\":\"refusals\"}").json().get("id").asText();
            String upload = "/api/projects/" + project + "/ingest/upload";
            byte[] binary = {0x00, 0x13, (byte) 0xfe, 0x42, 0x07, (byte) 0x99, 0x00, 0x01, (byte) 0xc8, 0x3f};
            // bytes no detector knows, a name without an extension, no declared type: the type cannot be told
            assertRefused(app.upload(upload, "blob", binary, null, null), "Cannot tell the content type");
            assertRefused(app.upload(upload, "run.exe", "MZ\u0090\u0000".getBytes(StandardCharsets.ISO_8859_1),
                    "application/x-msdownload", null), "Unsupported content type");
            assertRefused(app.upload(upload, "report.txt", SampleDocuments.pdf("Report", "Text."), "text/plain", null),
                    "does not match its declared type");
            assertRefused(app.upload(upload, "a.txt", "words".getBytes(StandardCharsets.UTF_8), "text/plain",
                    "0".repeat(64)), "Checksum mismatch");
            assertRefused(app.postJson(upload, "{}"), "");
            Map<String, Double> counted = new java.util.HashMap<>();
            Matcher m = REJECTED.matcher(app.get("/observe/metrics").body());
            while (m.find()) {
                counted.put(m.group(1), Double.parseDouble(m.group(2)));
            }
            assertThat(counted).containsEntry("type", 2.0).containsEntry("mismatch", 1.0).containsEntry("checksum", 1.0)
                    .containsEntry("malformed", 1.0);
        }
    }

    private static void assertRefused(Reply reply, String detail) {
        assertThat(reply.status()).as(reply.body()).isBetween(400, 415);
        assertThat(reply.detail()).contains(detail);
    }
}
