package routes.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import routes.support.ApiClient.Reply;
import routes.support.StreamClient;
import routes.support.TestApp;
import routes.support.TestDatabase;

/**
 * One project never sees another's: on every route and stream, a job, document or chunk id of another project gets
 * exactly the answer an unknown id gets (status and detail, the id aside), so neither existence, data nor events
 * leak; and the other project's job is untouched by what was tried.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenancyTest {

    TestApp app;
    String owner;
    String intruder;
    String job;
    String document;

    @BeforeAll
    void start(@TempDir Path tmp) {
        app = TestApp.start(TestDatabase.sqlite(tmp), tmp.resolve("data"), Map.of());
        owner = app.postJson("/api/projects", "{\"name\":\"owner\"}").json().get("id").asText();
        intruder = app.postJson("/api/projects", "{\"name\":\"intruder\"}").json().get("id").asText();
        job = app.postJson("/api/projects/" + owner + "/ingest",
                "{\"source_type\":\"text\",\"content\":\"private to the owner\"}").json().get("job_id").asText();
        JsonNode done = await().atMost(Duration.ofSeconds(30)).until(
                () -> app.get("/api/projects/" + owner + "/ingest/jobs/" + job).json(),
                j -> j.get("status").asText().equals("completed"));
        document = done.get("canonical_document_id").asText();
    }

    @AfterAll
    void stop() {
        app.close();
    }

    /** The request with the other project's id, and with an unknown one: the same answer, the id aside. */
    private void sameAsUnknown(String what, String foreignId, Function<String, Reply> request) {
        String unknown = UUID.randomUUID().toString();
        Reply foreign = request.apply(foreignId);
        Reply none = request.apply(unknown);
        assertThat(foreign.status()).as(what).isEqualTo(404).isEqualTo(none.status());
        assertThat(foreign.detail().replace(foreignId, "ID")).as(what).isEqualTo(none.detail().replace(unknown, "ID"));
        assertThat(foreign.body()).as(what).doesNotContain("private to the owner");
    }

    @Test
    void everyRouteAnswersAnotherProjectsIdsAsUnknown() {
        String jobs = "/api/projects/" + intruder + "/ingest/jobs/";
        sameAsUnknown("get job", job, id -> app.get(jobs + id));
        sameAsUnknown("documents of job", job, id -> app.get(jobs + id + "/documents"));
        sameAsUnknown("cancel job", job, id -> app.post(jobs + id + "/cancel"));
        sameAsUnknown("delete job", job, id -> app.delete(jobs + id));
        sameAsUnknown("chunks of document", document,
                id -> app.get("/api/projects/" + intruder + "/documents/" + id + "/chunks"));
        sameAsUnknown("job events stream", job, id -> app.get("/api/stream/projects/" + intruder + "/ingest/" + id
                + "/events"));
        // listings and filters of the intruder's project never include the owner's job
        assertThat(app.get("/api/projects/" + intruder + "/ingest/jobs").json().get("total").asLong()).isZero();
        assertThat(app.get("/api/projects/" + intruder + "/ingest/jobs?source_id=" + job).json().get("items"))
                .isEmpty();
        // and nothing the intruder tried changed the owner's job
        JsonNode after = app.get("/api/projects/" + owner + "/ingest/jobs/" + job).json();
        assertThat(after.get("status").asText()).isEqualTo("completed");
        assertThat(after.get("deleted_at").isNull()).isTrue();
    }

    @Test
    void aJobSocketOfAnotherProjectIsTreatedAsAnUnknownJob() throws Exception {
        String unknown = UUID.randomUUID().toString();
        List<String> answers = new java.util.ArrayList<>();
        for (String id : List.of(job, unknown)) {
            try (StreamClient.Socket socket = StreamClient.connect(app, "/api/stream/projects/" + intruder
                    + "/ingest/" + id)) {
                JsonNode first = socket.next();
                answers.add(first.toString().replace(id, "ID"));
                assertThat(first.toString()).doesNotContain("private to the owner").doesNotContain(document);
            }
        }
        assertThat(answers.get(0)).isEqualTo(answers.get(1));
    }

    @Test
    void theProjectStreamCarriesOnlyTheProjectsOwnEvents() throws Exception {
        try (StreamClient.Socket socket = StreamClient.connectLive(app, intruder)) {
            String owners = app.postJson("/api/projects/" + owner + "/ingest",
                    "{\"source_type\":\"text\",\"content\":\"another private one\"}").json().get("job_id").asText();
            String own = app.postJson("/api/projects/" + intruder + "/ingest",
                    "{\"source_type\":\"text\",\"content\":\"the intruder's own\"}").json().get("job_id").asText();
            await().atMost(Duration.ofSeconds(30)).until(() -> app.get("/api/projects/" + owner + "/ingest/jobs/"
                    + owners).json().get("status").asText().equals("completed"));
            List<JsonNode> events = socket.until(e -> e.at("/job/id").asText().equals(own)
                    && e.at("/job/status").asText().equals("completed"));
            assertThat(events).allSatisfy(e -> assertThat(e.at("/job/project_id").asText()).isEqualTo(intruder));
        }
    }
}
