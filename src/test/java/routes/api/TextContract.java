package routes.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import routes.support.ApiClient.Reply;
import routes.support.TestApp;

/**
 * Text is stored exactly as it was received, on either database: chunks never cut a character or a grapheme cluster
 * in half and each is the document's text between its offsets, offsets and lengths count code points, and text that
 * cannot be kept as sent (bytes that are not UTF-8, an unpaired surrogate) is refused, naming the field, with nothing
 * stored.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TextContract {

    private static final ObjectMapper JSON = new ObjectMapper();
    TestApp app;

    abstract String databaseUrl(Path dir);

    @BeforeAll
    void start(@TempDir Path dir) {
        app = TestApp.start(databaseUrl(dir), dir.resolve("data"), Map.of("cortex.chunk.size", "1000",
                "cortex.chunk.overlap", "100"));
    }

    @AfterAll
    void stop() {
        app.close();
    }

    private String project() {
        return app.postJson("/api/projects", "{\"name\":\"text\"}").json().get("id").asText();
    }

    /** A text job, completed: its job JSON. */
    private JsonNode ingest(String project, String text) throws Exception {
        Reply created = app.postJson("/api/projects/" + project + "/ingest", JSON.writeValueAsString(
                Map.of("source_type", "text", "content", text)));
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        String job = created.json().get("job_id").asText();
        return await().atMost(Duration.ofSeconds(30)).until(() -> app.get("/api/projects/" + project
                + "/ingest/jobs/" + job).json(), j -> Set.of("completed", "failed").contains(j.get("status").asText()));
    }

    private List<JsonNode> chunks(String project, JsonNode job) {
        String document = job.get("canonical_document_id").asText();
        List<JsonNode> all = new ArrayList<>();
        app.get("/api/projects/" + project + "/documents/" + document + "/chunks?limit=100").json().get("items")
                .forEach(all::add);
        return all;
    }

    @Test
    void aTextJobIsNamedAfterItsFirstWords() throws Exception {
        String p = project();
        JsonNode job = ingest(p, "Zürich notes: the handbook, revised.\n\nMore text follows here.");
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("completed");
        assertThat(job.get("original_filename").asText()).isEqualTo("Zürich-notes-the-handbook-revised-More.txt");
        assertThat(ingest(p, "?!").get("original_filename").asText()).isEqualTo("content.txt");
    }

    @Test
    void chunksNeverCutACharacterAndAreTheTextBetweenTheirOffsets() throws Exception {
        String project = project();
        String text = "a" + "\uD83D\uDE00".repeat(1500);
        JsonNode job = ingest(project, text);
        assertThat(job.get("status").asText()).isEqualTo("completed");
        int[] points = text.codePoints().toArray();
        List<JsonNode> chunks = chunks(project, job);
        assertThat(chunks).hasSizeGreaterThan(1);
        for (JsonNode chunk : chunks) {
            int start = chunk.get("start_offset").asInt();
            int end = chunk.get("end_offset").asInt();
            String content = chunk.get("content").asText();
            assertThat(content).isEqualTo(new String(points, start, end - start)).doesNotContain("?", "\uFFFD");
        }
        assertThat(chunks.get(chunks.size() - 1).get("end_offset").asInt()).isEqualTo(1501);
    }

    @Test
    void offsetsAndLengthsCountCodePoints() throws Exception {
        String project = project();
        // 58 code points, 62 UTF-16 units: emoji, Hebrew, CJK
        String text = "\uD83D\uDE00\uD83D\uDE80\uD83C\uDF89\uD83D\uDC4D shalom \u05E9\u05DC\u05D5\u05DD"
                + " \u4F60\u597D\u4E16\u754C and some plain words here, 12345678.";
        assertThat(text.codePointCount(0, text.length())).isEqualTo(58);
        JsonNode job = ingest(project, text);
        assertThat(job.get("message").asText()).startsWith("Extracted 58 characters");
        assertThat(chunks(project, job).get(0).get("end_offset").asInt()).isEqualTo(58);
        // a name of 101 emoji is 101 characters, within the 200 a project name may have
        Reply named = app.postJson("/api/projects", JSON.writeValueAsString(Map.of("name", "\uD83D\uDE00".repeat(101))));
        assertThat(named.status()).as(named.body()).isEqualTo(201);
    }

    @Test
    void textThatCannotBeKeptAsSentIsRefusedNamingTheField() throws Exception {
        String project = project();
        long before = app.get("/api/projects").json().get("items").size();
        byte[] latin1 = "{\"name\":\"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
        Reply notUtf8 = app.send(HttpRequest.newBuilder(app.uri("/api/projects"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(latin1)));
        assertThat(notUtf8.status()).isEqualTo(400);
        assertThat(notUtf8.detail()).contains("'name'").contains("UTF-8");
        assertThat(app.get("/api/projects").json().get("items").size()).isEqualTo(before);

        Reply surrogate = app.send(HttpRequest.newBuilder(app.uri("/api/projects/" + project + "/ingest"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"source_type\":\"text\",\"content\":\"lone surrogate \\ud800 here\"}")));
        assertThat(surrogate.status()).isEqualTo(400);
        assertThat(surrogate.detail()).contains("'content'").contains("unpaired surrogate");
        assertThat(app.get("/api/projects/" + project + "/ingest/jobs").json().get("total").asInt()).isZero();
    }
}
