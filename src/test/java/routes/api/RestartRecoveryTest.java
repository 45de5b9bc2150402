package routes.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import routes.support.TestApp;
import routes.support.TestDatabase;

/**
 * A job accepted on the embedded default is still processed after the service restarts, also when it was never
 * handed to the queue before the stop: the start-up relay sends it at once, not after the recovery grace.
 */
class RestartRecoveryTest {

    @TempDir
    Path tmp;

    @Test
    void queuedJobCompletesAfterRestart() throws Exception {
        Path sources = Files.createDirectories(tmp.resolve("sources"));
        Path file = Files.writeString(sources.resolve("kept.txt"), "kept across a restart");
        Map<String, String> settings = Map.of("cortex.local-source-roots", sources.toString());
        String db = TestDatabase.sqlite(tmp);
        String project;
        String job;
        try (TestApp first = TestApp.start(db, tmp.resolve("data"), settings)) {
            // The worker is down: the job is accepted and stays queued when the process goes away.
            first.context().getRouteController().stopRoute("job-worker-consume");
            // and the relay does not get to it before the stop: the restarted service sends it at start-up
            first.context().getRouteController().stopRoute("job-relay");
            project = first.postJson("/api/projects", "{\"name\":\"restart\"}").json().get("id").asText();
            job = first.postJson("/api/projects/" + project + "/ingest/jobs", "{\"source_path\":\"" + file + "\"}")
                    .json().get("id").asText();
        }
        try (TestApp second = TestApp.start(db, tmp.resolve("data"), settings)) {
            String url = "/api/projects/" + project + "/ingest/jobs/" + job;
            await().atMost(Duration.ofSeconds(30)).until(() -> "completed".equals(second.get(url).json().get("status").asText()));
            assertThat(second.get(url).json().get("attempts").asInt()).isEqualTo(1);
        }
    }
}
