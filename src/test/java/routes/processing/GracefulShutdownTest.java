package routes.processing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import routes.support.ProcessApp;
import routes.support.TestDatabase;

/**
 * SIGTERM while a job runs: the process stops taking work, the running attempt hands its job back to the queue at
 * its next checkpoint, the process exits within its grace period, and after a restart the job completes: no job lost.
 */
class GracefulShutdownTest {

    @TempDir
    Path tmp;

    @Test
    void sigtermHandsTheRunningJobBackAndItCompletesAfterRestart() throws Exception {
        String db = TestDatabase.sqlite(tmp);
        Path sources = Files.createDirectories(tmp.resolve("sources"));
        Path doc = Files.writeString(sources.resolve("doc.txt"), "a document to process slowly\n".repeat(50));
        Map<String, String> env = ProcessApp.env(tmp, db, "all");
        env.put("CORTEX_TESTING_STAGE_DELAY_MS", "1500");
        env.put("CORTEX_SHUTDOWN_GRACE_SECONDS", "10");
        String project;
        String job;
        ProcessApp first = ProcessApp.start(tmp, "graceful-first", env);
        try {
            project = first.postJson("/api/projects", "{\"name\":\"graceful\"}").json().get("id").asText();
            job = first.postJson("/api/projects/" + project + "/ingest/jobs", "{\"source_path\":\"" + doc + "\"}")
                    .json().get("id").asText();
            String path = "/api/projects/" + project + "/ingest/jobs/" + job;
            await().atMost(Duration.ofSeconds(30)).until(() -> first.get(path).json().get("status").asText()
                    .equals("running"));
        } finally {
            long sigterm = System.nanoTime();
            assertThat(first.terminate(Duration.ofSeconds(25))).as("exited").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - sigterm)).as("within its grace of 10 s")
                    .isLessThan(Duration.ofSeconds(11));
        }
        String log = Files.readString(first.log());
        assertThat(log).contains("Job " + job + " handed back to the queue").contains("Cortex Ingest stopped");
        try (Connection c = DriverManager.getConnection(db); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT status, message FROM ingest_jobs WHERE id = '" + job + "'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString("status")).isEqualTo("queued");
            assertThat(rs.getString("message")).isEqualTo("Handed back to the queue at shutdown");
        }
        env.put("CORTEX_TESTING_STAGE_DELAY_MS", "0");
        try (ProcessApp second = ProcessApp.start(tmp, "graceful-second", env)) {
            String path = "/api/projects/" + project + "/ingest/jobs/" + job;
            JsonNode done = await().atMost(Duration.ofSeconds(60)).until(() -> second.get(path).json(),
                    j -> j.get("status").asText().equals("completed"));
            // attempts count what happened: the one handed back at shutdown and the one that completed (the first
            // was not the job's fault and did not use up its budget)
            assertThat(done.get("attempts").asInt()).isEqualTo(2);
            assertThat(second.get(path + "/documents").json().get("items")).hasSize(1);
        }
    }

    /**
     * An attempt that reaches no checkpoint within the grace (here a stage that pauses for a minute) does not hold
     * the process: it exits when the grace is over, saying so, and the job is taken over after its lease.
     */
    @Test
    void theProcessExitsWhenItsGraceIsOverWhateverStillRuns() throws Exception {
        String db = TestDatabase.sqlite(tmp);
        Path sources = Files.createDirectories(tmp.resolve("sources"));
        Path doc = Files.writeString(sources.resolve("stuck.txt"), "a document whose stage does not end\n");
        Map<String, String> env = ProcessApp.env(tmp, db, "all");
        env.put("CORTEX_TESTING_STAGE_DELAY_MS", "60000");
        env.put("CORTEX_SHUTDOWN_GRACE_SECONDS", "4");
        ProcessApp first = ProcessApp.start(tmp, "stuck-first", env);
        String project = first.postJson("/api/projects", "{\"name\":\"stuck\"}").json().get("id").asText();
        String job = first.postJson("/api/projects/" + project + "/ingest/jobs", "{\"source_path\":\"" + doc + "\"}")
                .json().get("id").asText();
        String path = "/api/projects/" + project + "/ingest/jobs/" + job;
        await().atMost(Duration.ofSeconds(30)).until(() -> first.get(path).json().get("status").asText()
                .equals("running"));
        long sigterm = System.nanoTime();
        assertThat(first.terminate(Duration.ofSeconds(20))).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - sigterm)).as("within its grace of 4 s")
                .isLessThan(Duration.ofSeconds(5));
        // Camel's own forced shutdown (its timeout is a second short of the grace) may end the process first; either
        // way the log says the shutdown was cut short
        assertThat(Files.readString(first.log())).containsAnyOf("did not finish within its grace of 4 s",
                "will force shutdown now");
        env.put("CORTEX_TESTING_STAGE_DELAY_MS", "0");
        try (ProcessApp second = ProcessApp.start(tmp, "stuck-second", env)) {
            JsonNode done = await().atMost(Duration.ofSeconds(60)).until(() -> second.get(path).json(),
                    j -> j.get("status").asText().equals("completed"));
            assertThat(done.get("attempts").asInt()).isEqualTo(2);
        }
    }
}
