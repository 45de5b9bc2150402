package routes.processing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import routes.support.FileServer;
import routes.support.TestApp;
import routes.support.TestDatabase;

/**
 * No source holds a worker forever: a download that never ends (a server that drips a line every 50 ms, never
 * silent long enough for the read timeout) fails at its stage's deadline, and a cancel is noticed within the
 * download, between two reads. With one worker thread, the job after it completes: the worker was freed.
 */
class StageDeadlineTest {

    @Test
    void anEndlessDownloadEndsAtItsDeadlineAndACancelWithinIt(@TempDir Path tmp) {
        try (FileServer web = new FileServer().drip("/drip.txt", 50)
                .file("/ok.txt", "text/plain", "fine".getBytes(StandardCharsets.UTF_8));
                TestApp app = TestApp.start(TestDatabase.sqlite(tmp), tmp.resolve("data"), Map.of(
                        "cortex.fetch.allowed-hosts", web.hostAndPort(),
                        "cortex.worker.concurrency", "1",
                        "cortex.worker.stage-deadline-seconds", "3",
                        "cortex.task.max-retries", "0"))) {
            String project = app.postJson("/api/projects", "{\"name\":\"deadline\"}").json().get("id").asText();
            String jobs = "/api/projects/" + project + "/ingest/jobs";

            String endless = create(app, jobs, web.url("/drip.txt"));
            JsonNode failed = finished(app, jobs, endless);
            assertThat(failed.get("status").asText()).isEqualTo("failed");
            assertThat(failed.get("error_message").asText())
                    .isEqualTo("Stage fetch ran longer than its deadline of 3 s (CORTEX_WORKER_STAGE_DEADLINE_SECONDS)");

            String cancelled = create(app, jobs, web.url("/drip.txt"));
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    app.get(jobs + "/" + cancelled).json().get("status").asText().equals("running"));
            assertThat(app.post(jobs + "/" + cancelled + "/cancel").status()).isEqualTo(200);
            String next = create(app, jobs, web.url("/ok.txt"));
            JsonNode completed = finished(app, jobs, next);
            assertThat(completed.get("status").asText()).as("the only worker thread was freed by the cancel")
                    .isEqualTo("completed");
            assertThat(finished(app, jobs, cancelled).get("status").asText()).isEqualTo("cancelled");
        }
    }

    private static String create(TestApp app, String jobs, String url) {
        var reply = app.postJson(jobs, "{\"source_uri\":\"" + url + "\"}");
        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
        return reply.json().get("id").asText();
    }

    private static JsonNode finished(TestApp app, String jobs, String id) {
        // the deadline is 3 s; a cancel is noticed within a second of reads: both well inside this wait
        return await().atMost(Duration.ofSeconds(30)).until(() -> app.get(jobs + "/" + id).json(),
                j -> List.of("completed", "failed", "cancelled").contains(j.get("status").asText()));
    }
}
