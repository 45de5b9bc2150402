package routes.processing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import routes.messaging.EmbeddedBroker;
import routes.support.TestApp;
import routes.support.ApiClient.Reply;
import routes.support.TestDatabase;

/** Cancellation of running jobs, Idempotency-Key and broker outages, on a slow worker (every stage pauses). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkerBehaviourTest {

    TestApp app;
    Path file;
    String project;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        Path sources = Files.createDirectories(tmp.resolve("sources"));
        file = Files.writeString(sources.resolve("slow.txt"), "slow source ".repeat(100));
        app = TestApp.start(TestDatabase.sqlite(tmp), tmp.resolve("data"), Map.of(
                "cortex.local-source-roots", sources.toString(),
                "cortex.testing.stage-delay-ms", "300",
                "cortex.recovery.period-ms", "500",
                "cortex.recovery.grace-seconds", "1"));
        project = app.postJson("/api/projects", "{\"name\":\"worker\"}").json().get("id").asText();
    }

    @AfterAll
    void stop() {
        app.close();
    }

    String jobs() {
        return "/api/projects/" + project + "/ingest/jobs";
    }

    @Test
    void cancelledRunningJobStopsAtTheNextStage() {
        String id = app.postJson(jobs(), "{\"source_path\":\"" + file + "\"}").json().get("id").asText();
        await().atMost(Duration.ofSeconds(10)).until(() -> app.get(jobs() + "/" + id).json().get("status").asText().equals("running"));
        Reply cancelled = app.post(jobs() + "/" + id + "/cancel");
        assertThat(cancelled.status()).isEqualTo(200);
        String stageAtCancel = cancelled.json().get("stage").asText();
        // the worker notices at its next stage and leaves the job as the cancel left it
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> {
            JsonNode j = app.get(jobs() + "/" + id).json();
            return j.get("status").asText().equals("cancelled") && j.get("stage").asText().equals(stageAtCancel);
        });
        assertThat(stageAtCancel).isNotEqualTo("done");
        assertThat(app.get(jobs() + "/" + id + "/documents").json().get("items")).isEmpty();
    }

    @Test
    void sameIdempotencyKeyGivesOneJob() {
        String body = "{\"source_path\":\"" + file + "\"}";
        var request = java.net.http.HttpRequest.newBuilder(app.uri(jobs())).header("Content-Type", "application/json")
                .header("Idempotency-Key", "import-42");
        Reply first = app.send(request.copy().POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)));
        Reply again = app.send(request.copy().POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)));
        assertThat(first.status()).isEqualTo(201);
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.json().get("id").asText()).isEqualTo(first.json().get("id").asText());
        Reply other = app.send(request.copy().POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                "{\"source_path\":\"" + file + "\",\"original_filename\":\"x.txt\"}")));
        assertThat(other.status()).isEqualTo(409);
        assertThat(other.detail()).contains("import-42");

        String url = "/api/projects/" + project + "/ingest";
        var text = java.net.http.HttpRequest.newBuilder(app.uri(url)).header("Content-Type", "application/json")
                .header("Idempotency-Key", "text-1");
        String content = "{\"source_type\":\"text\",\"content\":\"once\"}";
        Reply t1 = app.send(text.copy().POST(java.net.http.HttpRequest.BodyPublishers.ofString(content)));
        Reply t2 = app.send(text.copy().POST(java.net.http.HttpRequest.BodyPublishers.ofString(content)));
        assertThat(t2.json().get("job_id").asText()).isEqualTo(t1.json().get("job_id").asText());
        // the same key in another project is another key
        String other2 = app.postJson("/api/projects", "{\"name\":\"other\"}").json().get("id").asText();
        Reply elsewhere = app.send(java.net.http.HttpRequest.newBuilder(app.uri("/api/projects/" + other2 + "/ingest"))
                .header("Content-Type", "application/json").header("Idempotency-Key", "text-1")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(content)));
        assertThat(elsewhere.json().get("job_id").asText()).isNotEqualTo(t1.json().get("job_id").asText());

        // uploads: the same bytes under the same key are one job; other bytes under it are a conflict
        String upload = "/api/projects/" + project + "/ingest/upload";
        long objects = app.filesUnder("storage");
        Reply u1 = app.uploadWithKey(upload, "up-1", "a.txt", "first".getBytes());
        Reply u2 = app.uploadWithKey(upload, "up-1", "a.txt", "first".getBytes());
        Reply u3 = app.uploadWithKey(upload, "up-1", "a.txt", "other".getBytes());
        assertThat(u1.status()).isEqualTo(200);
        assertThat(u2.json().get("job_id").asText()).isEqualTo(u1.json().get("job_id").asText());
        assertThat(u3.status()).isEqualTo(409);
        assertThat(app.filesUnder("storage")).isEqualTo(objects + 1);
        assertThat(app.filesUnder("tmp")).isZero();
    }

    @Test
    void jobAcceptedWhileTheBrokerIsDownIsHandedOffWhenItReturns() throws Exception {
        EmbeddedBroker broker = app.bean("embeddedBroker", EmbeddedBroker.class);
        routes.support.StreamClient.Socket watcher = routes.support.StreamClient.connectLive(app, project);
        broker.stop();
        String id;
        String taskId;
        try {
            Reply created = app.postJson(jobs(), "{\"source_path\":\"" + file + "\"}");
            assertThat(created.status()).isEqualTo(201);
            assertThat(created.json().get("status").asText()).isEqualTo("queued");
            // committed, with the task id its message will carry once the relay or recovery can send it
            taskId = created.json().get("task_id").asText();
            assertThat(taskId).startsWith("ID:");
            id = created.json().get("id").asText();
        } finally {
            broker.start();
        }
        JsonNode done = await().atMost(Duration.ofSeconds(60)).until(() -> app.get(jobs() + "/" + id).json(),
                j -> j.get("status").asText().equals("completed"));
        assertThat(done.get("task_id").asText()).isEqualTo(taskId);
        // the events recorded while the topic was unreachable reach the stream once it is back, in order
        try (watcher) {
            java.util.List<JsonNode> events = watcher.until(e -> e.at("/job/id").asText().equals(id)
                    && e.at("/job/status").asText().equals("completed"));
            java.util.List<JsonNode> ofJob = events.stream().filter(e -> e.at("/job/id").asText().equals(id)).toList();
            assertThat(ofJob.get(0).get("type").asText()).isEqualTo("ingest.job.created");
            assertThat(ofJob.stream().map(e -> e.get("seq").asLong()).toList()).isSorted().doesNotHaveDuplicates();
        }
    }
}
