package routes.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
 * Search over what a project ingested, on a small corpus written for it, through the API on either database: an
 * exact phrase comes first in keyword mode, a paraphrase that shares no word with its document comes first in vector
 * mode, filters hold, and only current content of this project is ever found (not superseded, deleted, failed or
 * cancelled jobs, not another project's). Bad requests are 400s naming the field.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SearchContract {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String FOX = "The quick brown fox jumps over the lazy dog near the riverbank every morning.";
    static final String LEAVES = "Photosynthesis converts sunlight into chemical energy inside the leaves of a plant.";
    static final String CARS = "Automobiles need regular maintenance such as oil changes and tire rotation.";

    TestApp app;
    String project;
    final Map<String, String> jobs = new HashMap<>();

    abstract String databaseUrl(Path dir);

    /** Settings of the service under test beyond the defaults. */
    Map<String, String> settings() {
        return Map.of();
    }

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        app = TestApp.start(databaseUrl(dir), dir.resolve("data"), settings());
        project = project("search");
        jobs.put("fox", text(project, FOX, "docs/animals/fox.txt"));
        jobs.put("leaves", text(project, LEAVES, "docs/botany/leaves.txt"));
        jobs.put("cars", text(project, CARS, "manuals/cars.txt"));
        jobs.values().forEach(this::completed);
        await().atMost(Duration.ofSeconds(60)).until(() -> app.get("/observe/health/ready").status() == 200);
        // keywords are searchable with the commit; the vectors held in memory follow the job's event
        visibleInEveryMode(project, "fox leaves automobiles", 3);
    }

    @AfterAll
    void stop() {
        app.close();
    }

    String project(String name) {
        return app.postJson("/api/projects", "{\"name\":\"" + name + "\"}").json().get("id").asText();
    }

    /** A text job with a document key; its id. */
    String text(String projectId, String content, String key) throws Exception {
        Map<String, Object> body = new HashMap<>(Map.of("source_type", "text", "content", content));
        if (key != null) {
            body.put("document_key", key);
        }
        Reply r = app.postJson("/api/projects/" + projectId + "/ingest", JSON.writeValueAsString(body));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("job_id").asText();
    }

    JsonNode completed(String job) {
        return await().atMost(Duration.ofSeconds(60)).until(() -> job(job),
                j -> Set.of("completed", "failed", "cancelled").contains(j.get("status").asText()));
    }

    /** Waits (a second or so at most) until a search in every mode finds {@code n} chunks. */
    void visibleInEveryMode(String projectId, String query, int n) {
        for (String mode : List.of("keyword", "vector", "hybrid")) {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(contents(search(projectId,
                    Map.of("query", query, "mode", mode)))).as(mode).hasSize(n));
        }
    }

    JsonNode job(String job) {
        return app.get("/api/projects/" + project + "/ingest/jobs/" + job).json();
    }

    Reply search(String projectId, Map<String, Object> request) throws Exception {
        return app.postJson("/api/projects/" + projectId + "/search", JSON.writeValueAsString(request));
    }

    List<String> contents(Reply reply) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        reply.json().get("items").forEach(i -> out.add(i.get("content").asText()));
        return out;
    }

    @Test
    void anExactPhraseComesFirstInKeywordMode() throws Exception {
        Reply r = search(project, Map.of("query", "tire rotation", "mode", "keyword"));
        assertThat(r.json().get("mode").asText()).isEqualTo("keyword");
        assertThat(contents(r).get(0)).isEqualTo(CARS);
        JsonNode item = r.json().get("items").get(0);
        assertThat(item.get("job_id").asText()).isEqualTo(jobs.get("cars"));
        assertThat(item.get("document_key").asText()).isEqualTo("manuals/cars.txt");
        assertThat(item.get("start_offset").asInt()).isZero();
        assertThat(item.get("end_offset").asInt()).isEqualTo(CARS.length());
        assertThat(item.get("score").asDouble()).isPositive();
        // the result's link: the chunk, in this project only
        Reply chunk = app.get("/api/projects/" + project + "/chunks/" + item.get("chunk_id").asText());
        assertThat(chunk.json().get("content").asText()).isEqualTo(CARS);
        assertThat(chunk.json().get("document_id").asText()).isEqualTo(item.get("document_id").asText());
        assertThat(app.get("/api/projects/" + project("elsewhere") + "/chunks/" + item.get("chunk_id").asText())
                .status()).isEqualTo(404);
    }

    @Test
    void aParaphraseSharingNoWordComesFirstInVectorMode() throws Exception {
        String paraphrase = "vegetation producing nourishment from solar radiation";
        assertThat(contents(search(project, Map.of("query", paraphrase, "mode", "keyword")))).isEmpty();
        Reply r = search(project, Map.of("query", paraphrase, "mode", "vector", "k", 3));
        assertThat(r.json().get("mode").asText()).isEqualTo("vector");
        assertThat(contents(r).get(0)).isEqualTo(LEAVES);
        Reply hybrid = search(project, Map.of("query", paraphrase));
        assertThat(hybrid.json().get("mode").asText()).isEqualTo("hybrid");
        assertThat(contents(hybrid).get(0)).isEqualTo(LEAVES);
    }

    @Test
    void filtersHold() throws Exception {
        String everything = "fox leaves automobiles energy dog oil";
        // a text job's document path is its file name, made of its first words
        assertThat(contents(search(project, Map.of("query", everything, "filters", Map.of("path_prefix", "The-quick")))))
                .containsExactly(FOX);
        assertThat(contents(search(project, Map.of("query", everything, "filters", Map.of("path_prefix", "manuals")))))
                .isEmpty();
        assertThat(contents(search(project, Map.of("query", everything, "filters",
                Map.of("job_id", jobs.get("fox")))))).containsExactly(FOX);
        assertThat(contents(search(project, Map.of("query", everything, "filters",
                Map.of("document_key", "docs/botany/leaves.txt"))))).containsExactly(LEAVES);
        assertThat(contents(search(project, Map.of("query", everything, "mode", "vector", "filters",
                Map.of("document_key", "manuals/cars.txt"))))).containsExactly(CARS);
        assertThat(contents(search(project, Map.of("query", everything, "filters", Map.of("mime_type",
                "application/pdf"))))).isEmpty();
        String source = job(jobs.get("fox")).get("source_id").asText();
        assertThat(contents(search(project, Map.of("query", everything, "filters", Map.of("source_id", source)))))
                .hasSize(3);
    }

    @Test
    void onlyCurrentContentOfThisProjectIsFound() throws Exception {
        String p = project("versions");
        String first = text(p, "Version one of the handbook talks about zebras.", "handbook");
        await().atMost(Duration.ofSeconds(60)).until(() -> app.get("/api/projects/" + p + "/ingest/jobs/" + first)
                .json().get("status").asText().equals("completed"));
        String second = text(p, "Version two of the handbook talks about giraffes.", "handbook");
        await().atMost(Duration.ofSeconds(60)).until(() -> app.get("/api/projects/" + p + "/ingest/jobs/" + second)
                .json().get("status").asText().equals("completed"));
        JsonNode old = app.get("/api/projects/" + p + "/ingest/jobs/" + first).json();
        assertThat(old.get("superseded_by").asText()).isEqualTo(second);
        assertThat(app.get("/api/projects/" + p + "/ingest/jobs?current=true").json().get("items"))
                .extracting(j -> j.get("id").asText()).containsExactly(second);
        // at once, in every mode: the new version was searchable the moment the old one was not
        for (String mode : List.of("keyword", "vector", "hybrid")) {
            assertThat(contents(search(p, Map.of("query", "handbook zebras giraffes version", "mode", mode)))).as(mode)
                    .containsExactly("Version two of the handbook talks about giraffes.");
        }
        // deleted: gone from search at once
        assertThat(app.delete("/api/projects/" + p + "/ingest/jobs/" + second).status()).isEqualTo(204);
        for (String mode : List.of("keyword", "vector", "hybrid")) {
            assertThat(contents(search(p, Map.of("query", "handbook zebras giraffes", "mode", mode)))).as(mode)
                    .isEmpty();
        }
        // another project's content never appears
        for (String mode : List.of("keyword", "vector", "hybrid")) {
            assertThat(contents(search(p, Map.of("query", "quick brown fox tire rotation sunlight", "mode", mode))))
                    .as(mode).isEmpty();
        }
    }

    @Test
    void queriesAreWordsNeverTheIndexsQueryLanguage() throws Exception {
        for (String hostile : List.of("\"fox\" OR NEAR(", "*", "fox AND", "-fox", "content:fox", "'); DROP TABLE"
                + " document_chunks; --", "!!! ??? :::", "fox & dog | !cat <-> (", "\u202Efox\uD83E\uDD8A")) {
            for (String mode : List.of("keyword", "vector", "hybrid")) {
                Reply r = search(project, Map.of("query", hostile, "mode", mode));
                assertThat(r.status()).as(mode + " " + hostile + ": " + r.body()).isEqualTo(200);
            }
        }
        assertThat(contents(search(project, Map.of("query", "content:fox NEAR(", "mode", "keyword")))).containsExactly(FOX);
        assertThat(contents(search(project, Map.of("query", "!!! ::: ***", "mode", "keyword")))).isEmpty();
    }

    @Test
    void badRequestsAre400sNamingTheField() throws Exception {
        Map<Map<String, Object>, String> bad = new java.util.LinkedHashMap<>();
        bad.put(Map.of(), "'query'");
        bad.put(Map.of("query", " "), "'query'");
        bad.put(Map.of("query", "x".repeat(2001)), "'query'");
        bad.put(Map.of("query", "fox", "k", 0), "'k'");
        bad.put(Map.of("query", "fox", "k", 101), "'k'");
        bad.put(Map.of("query", "fox", "k", "ten"), "'k'");
        bad.put(Map.of("query", "fox", "mode", "fuzzy"), "'mode'");
        bad.put(Map.of("query", "fox", "mode", "HYBRID"), "'mode'");
        bad.put(Map.of("query", 42), "'query'");
        bad.put(Map.of("query", "fox", "filters", Map.of("color", "red")), "filters.color");
        bad.put(Map.of("query", "fox", "filters", Map.of("job_id", "not-a-uuid")), "filters.job_id");
        bad.put(Map.of("query", "fox", "filters", "all"), "'filters'");
        bad.put(Map.of("query", "fox", "filters", Map.of("document_key", "a\u0000b")), "filters.document_key");
        bad.put(Map.of("query", "fox\u0000"), "'query'");
        for (var e : bad.entrySet()) {
            Reply r = search(project, e.getKey());
            assertThat(r.status()).as(e.getKey().toString()).isEqualTo(400);
            assertThat(r.detail()).as(e.getKey().toString()).contains(e.getValue());
        }
        assertThat(search(java.util.UUID.randomUUID().toString(), Map.of("query", "fox")).status()).isEqualTo(404);
        assertThat(search("not-a-project", Map.of("query", "fox")).status()).isEqualTo(404);
    }
}
