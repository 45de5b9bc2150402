package routes.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import routes.support.TestApp;
import routes.support.TestDatabase;

/**
 * The generated hostile corpus ({@link HostileCorpus}) against a service on PostgreSQL: every request is answered
 * 4xx with a JSON {@code detail}, none is a 5xx, none creates a row, a stored object or a temporary file, and the
 * service is healthy and serving afterwards.
 */
class HostileCorpusTest {

    static final List<String> TABLES = List.of("projects", "ingest_sources", "ingest_jobs", "documents",
            "document_chunks", "idempotency_keys", "job_events", "project_keys");

    @TempDir
    Path tmp;

    @Test
    void everyHostileRequestIsRefusedWithJsonAndChangesNothing() throws Exception {
        Path roots = Files.createDirectories(tmp.resolve("roots"));
        Files.writeString(roots.resolve("inside.txt"), "inside the roots");
        Path outside = Files.writeString(tmp.resolve("outside.txt"), "outside the roots");
        String db = TestDatabase.freshPostgres();
        try (TestApp app = TestApp.start(db, tmp.resolve("data"), Map.of("cortex.local-source-roots", roots.toString(),
                "cortex.storage.max-upload-mb", "1"))) {
            String project = app.postJson("/api/projects", "{\"name\":\"target\"}").json().get("id").asText();
            String job = app.postJson("/api/projects/" + project + "/ingest",
                    "{\"source_type\":\"text\",\"content\":\"a document to aim at\"}").json().get("job_id").asText();
            JsonNode done = await().atMost(Duration.ofSeconds(30)).until(
                    () -> app.get("/api/projects/" + project + "/ingest/jobs/" + job).json(),
                    j -> j.get("status").asText().equals("completed"));
            String document = done.get("canonical_document_id").asText();

            List<HostileCorpus.Hostile> corpus = new HostileCorpus(project, job, document, outside.toString()).generate();
            assertThat(corpus).hasSizeGreaterThanOrEqualTo(500);
            Map<String, Long> rowsBefore = rows(db);
            long storedBefore = app.filesUnder("storage");

            int port = app.uri("/").getPort();
            ObjectMapper json = new ObjectMapper();
            Map<Integer, Integer> byStatus = new java.util.TreeMap<>();
            List<String> wrong = new ArrayList<>();
            for (HostileCorpus.Hostile hostile : corpus) {
                RawHttp.Answer answer = RawHttp.send(port, hostile.bytes());
                byStatus.merge(answer.status(), 1, Integer::sum);
                String problem = problem(answer, json);
                if (problem != null) {
                    wrong.add(hostile.name() + ": " + problem);
                }
            }
            System.out.println("Hostile corpus: " + corpus.size() + " requests, answers by status " + byStatus);

            await().atMost(Duration.ofSeconds(10)).until(() -> app.filesUnder("tmp") == 0);
            assertThat(wrong).as("answers that are not a 4xx JSON error with a detail").isEmpty();
            assertThat(rows(db)).as("rows after the corpus").isEqualTo(rowsBefore);
            assertThat(app.filesUnder("storage")).as("stored objects after the corpus").isEqualTo(storedBefore);
            assertThat(app.get("/observe/health").status()).isEqualTo(200);
            assertThat(app.get("/api/projects/" + project + "/ingest/jobs/" + job).json().get("status").asText())
                    .isEqualTo("completed");
            assertThat(app.postJson("/api/projects", "{\"name\":\"still serving\"}").status()).isEqualTo(201);
        }
    }

    /** What is wrong with an answer to a hostile request, or null when it is the refusal it should be. */
    private static String problem(RawHttp.Answer answer, ObjectMapper json) {
        if (answer.status() < 400 || answer.status() >= 500) {
            return "status " + answer.status() + " " + abbreviate(answer.body());
        }
        String type = answer.header("Content-Type");
        if (type == null || !type.startsWith("application/json")) {
            return "status " + answer.status() + " with Content-Type " + type + ": " + abbreviate(answer.body());
        }
        try {
            JsonNode body = json.readTree(answer.body());
            if (body == null || !body.path("detail").isTextual() || body.get("detail").asText().isBlank()) {
                return "status " + answer.status() + " without a detail: " + abbreviate(answer.body());
            }
        } catch (Exception e) {
            return "status " + answer.status() + " with a body that is not JSON: " + abbreviate(answer.body());
        }
        return null;
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    private static Map<String, Long> rows(String db) throws Exception {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(db); Statement s = c.createStatement()) {
            for (String table : TABLES) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
                    rs.next();
                    counts.put(table, rs.getLong(1));
                }
            }
        }
        return counts;
    }
}
