package routes.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import routes.support.StreamClient;
import routes.support.TestApp;
import routes.support.TestDatabase;

/** Purged events: a resume from before them is told so, gets the current snapshots, then live events. */
class RetentionTest {

    @Test
    void resumeFromAPurgedSeqGetsAResetThenSnapshotsThenLive(@TempDir Path tmp) throws Exception {
        Path sources = Files.createDirectories(tmp.resolve("sources"));
        Path file = Files.writeString(sources.resolve("doc.txt"), "kept briefly");
        // eager mode: the in-process queue and the outbox relayed straight to this instance's clients
        try (TestApp app = TestApp.start(TestDatabase.sqlite(tmp), tmp.resolve("data"), Map.of(
                "cortex.local-source-roots", sources.toString(), "cortex.tasks.eager", "true"))) {
            String project = app.postJson("/api/projects", "{\"name\":\"retention\"}").json().get("id").asText();
            String jobs = "/api/projects/" + project + "/ingest/jobs";
            String stream = "/api/stream/projects/" + project + "/ingest";
            String first;
            try (StreamClient.Socket socket = StreamClient.connectLive(app, project)) {
                first = app.postJson(jobs, "{\"source_path\":\"" + file + "\"}").json().get("id").asText();
                socket.until(e -> e.at("/job/status").asText().equals("completed"));
            }
            // retention of 0 days: every published event goes
            assertThat(app.bean("eventRelay", EventRelay.class).purge(0)).isPositive();
            try (StreamClient.Socket socket = StreamClient.connect(app, stream + "?after=1")) {
                JsonNode reset = socket.next();
                assertThat(reset.get("type").asText()).isEqualTo("ingest.stream.reset");
                assertThat(reset.get("detail").asText()).contains("purged");
                JsonNode snapshot = socket.next();
                assertThat(snapshot.get("type").asText()).isEqualTo("ingest.job.snapshot");
                assertThat(snapshot.at("/job/id").asText()).isEqualTo(first);
                assertThat(snapshot.at("/job/status").asText()).isEqualTo("completed");
                String second = app.postJson(jobs, "{\"source_path\":\"" + file + "\"}").json().get("id").asText();
                List<JsonNode> live = socket.until(e -> e.at("/job/id").asText().equals(second)
                        && e.at("/job/status").asText().equals("completed"));
                assertThat(live.get(0).get("type").asText()).isEqualTo("ingest.job.created");
                assertThat(live.get(0).get("seq").asLong()).isEqualTo(reset.get("seq").asLong() + 1);
            }
        }
    }
}
