package routes.processing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import routes.support.ApiClient.Reply;
import routes.support.TestApp;
import routes.support.TestDatabase;

/**
 * What a job says is true, and what is accepted can be done: a job fails at the stage it reached, by name; its
 * error is in words (no class names or object identities); a folder of the project's own storage and a single
 * gzipped file are sources that work; one source per job; every internal address form is refused at creation;
 * the names a job keeps are their last path segment, without direction tricks; a path job's type is what its bytes
 * are, whatever the request claimed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HonestJobsTest {

    TestApp app;
    Path sources;
    String project;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        sources = Files.createDirectories(dir.resolve("sources"));
        app = TestApp.start(TestDatabase.sqlite(dir), dir.resolve("data"), Map.of(
                "cortex.local-source-roots", sources.toString(), "cortex.task.max-retries", "0"));
        project = app.postJson("/api/projects", "{\"name\":\"honest\"}").json().get("id").asText();
    }

    @AfterAll
    void stop() {
        app.close();
    }

    private String jobs() {
        return "/api/projects/" + project + "/ingest/jobs";
    }

    private JsonNode finished(String job) {
        return await().atMost(Duration.ofSeconds(60)).until(() -> app.get(jobs() + "/" + job).json(),
                j -> Set.of("completed", "failed", "cancelled").contains(j.get("status").asText()));
    }

    private String upload(String name, byte[] content, String type) {
        Reply r = app.upload("/api/projects/" + project + "/ingest/upload", name, content, type, null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("job_id").asText();
    }

    @Test
    void aJobFailsAtTheStageItReachedByName() {
        JsonNode failed = finished(upload("blank.txt", "   \n\n  ".getBytes(StandardCharsets.UTF_8), "text/plain"));
        assertThat(failed.get("status").asText()).isEqualTo("failed");
        assertThat(failed.get("stage").asText()).isEqualTo("extract");
        assertThat(failed.get("message").asText()).startsWith("Failed at stage extract: ");
    }

    @Test
    void errorMessagesAreForPeople() {
        byte[] broken = "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\ngarbage that ends here"
                .getBytes(StandardCharsets.ISO_8859_1);
        JsonNode failed = finished(upload("broken.pdf", broken, "application/pdf"));
        assertThat(failed.get("status").asText()).isEqualTo("failed");
        String error = failed.get("error_message").asText();
        assertThat(error).startsWith("Cannot extract text from broken.pdf")
                .doesNotContainPattern("\\b[a-z]+\\.[a-z]+\\.[a-z.]*[A-Z]\\w+").doesNotContainPattern("@[0-9a-f]{6,}")
                .doesNotContain("TIKA-").doesNotContain("Exception");
    }

    @Test
    void aFolderOfTheProjectsOwnStorageIsASourceThatWorks() {
        JsonNode stored = finished(upload("kept.txt", "words kept in storage".getBytes(StandardCharsets.UTF_8),
                "text/plain"));
        // local storage keeps <prefix>/<project>/<job>/<name>: the project's folder is two levels up
        Path file = Path.of(stored.get("source_path").asText());
        Path projectFolder = file.getParent().getParent();
        Reply created = app.postJson(jobs(), "{\"source_path\":\"" + projectFolder + "\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode done = finished(created.json().get("id").asText());
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("completed");
    }

    @Test
    void aSingleGzippedFileIsThatFile() throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write("notes that were compressed\nsecond line\n".getBytes(StandardCharsets.UTF_8));
        }
        JsonNode done = finished(upload("notes.txt.gz", gz.toByteArray(), "application/gzip"));
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("completed");
        JsonNode documents = app.get(jobs() + "/" + done.get("id").asText() + "/documents").json().get("items");
        assertThat(documents).hasSize(1);
        assertThat(documents.get(0).get("mime_type").asText()).isEqualTo("text/plain");
    }

    @Test
    void oneSourcePerJob() throws Exception {
        Path a = Files.writeString(sources.resolve("a.md"), "# A\n");
        Path b = Files.writeString(sources.resolve("b.txt"), "b");
        Reply both = app.postJson(jobs(), "{\"source_path\":\"" + a + "\",\"source_uri\":\"" + b.toUri() + "\"}");
        assertThat(both.status()).isEqualTo(400);
        assertThat(both.detail()).startsWith("Give one source");
        Reply same = app.postJson(jobs(), "{\"source_path\":\"" + a + "\",\"source_uri\":\"" + a.toUri() + "\"}");
        assertThat(same.status()).as(same.body()).isEqualTo(201);
    }

    @Test
    void everyInternalAddressFormIsRefusedAtCreation() {
        for (String url : new String[] {"http://[::127.0.0.1]/doc.txt", "http://[::127.0.0.1]/repo.git",
            "http://[::ffff:10.0.0.1]/doc.txt", "http://[64:ff9b::a9fe:a9fe]/latest/meta-data",
            "http://[2002:7f00:1::1]/doc.txt"}) {
            Reply r = app.postJson(jobs(), "{\"source_uri\":\"" + url + "\"}");
            assertThat(r.status()).as(url).isEqualTo(400);
            assertThat(r.detail()).as(url).startsWith("Source refused");
        }
    }

    @Test
    void namesAreTheirLastSegmentWithoutDirectionTricks() throws Exception {
        Path named = Files.writeString(sources.resolve("named.txt"), "named");
        assertThat(app.upload("/api/projects/" + project + "/ingest/upload", "../../../etc/x.txt", "x".getBytes(),
                "text/plain", null).json().get("filename").asText()).isEqualTo("x.txt");
        assertThat(app.upload("/api/projects/" + project + "/ingest/upload", "C:\\Users\\me\\report.txt",
                "report".getBytes(), "text/plain", null).json().get("filename").asText()).isEqualTo("report.txt");
        Reply reversed = app.postJson(jobs(), "{\"source_path\":\"" + named
                + "\",\"original_filename\":\"\\u202egpj.exe\"}");
        assertThat(reversed.status()).isEqualTo(400);
        assertThat(reversed.detail()).contains("text-direction");
        Reply nameless = app.upload("/api/projects/" + project + "/ingest/upload", "", "x".getBytes(),
                "text/plain", null);
        assertThat(nameless.status()).as(nameless.body()).isEqualTo(200);
        assertThat(nameless.json().get("filename").asText()).isEqualTo("upload.txt");
    }

    @Test
    void aPathJobsTypeIsWhatItsBytesAre() throws Exception {
        Path md = Files.writeString(sources.resolve("guide.md"), "# Guide\n\nWords.\n");
        Reply created = app.postJson(jobs(), "{\"source_path\":\"" + md
                + "\",\"mime_type\":\"application/x-msdownload\"}");
        assertThat(created.status()).isEqualTo(201);
        JsonNode done = finished(created.json().get("id").asText());
        assertThat(done.get("status").asText()).isEqualTo("completed");
        assertThat(done.get("mime_type").asText()).isEqualTo("text/markdown");
    }
}
