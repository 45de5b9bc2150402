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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import routes.support.ApiClient;
import routes.support.ProcessApp;
import routes.support.TestApp;
import routes.support.TestDatabase;

/**
 * The service as separate processes on one PostgreSQL and one broker, killed with SIGKILL while they work: every
 * accepted job still completes, and each job's documents are stored exactly once.
 */
class CrashRecoveryTest {

    @TempDir
    Path tmp;

    private String db;
    private Path source;

    private Map<String, String> env(String role) throws Exception {
        if (db == null) {
            db = TestDatabase.freshPostgres();
            Path sources = Files.createDirectories(tmp.resolve("sources"));
            source = Files.writeString(sources.resolve("doc.txt"), "a paragraph of text to ingest\n\n".repeat(20));
        }
        Map<String, String> env = ProcessApp.env(tmp, db, role);
        env.put("CORTEX_WORKER_CONCURRENCY", "2");
        env.put("CORTEX_TESTING_STAGE_DELAY_MS", "40");
        return env;
    }

    private List<String> createJobs(ApiClient api, int count) {
        String project = api.postJson("/api/projects", "{\"name\":\"crash\"}").json().get("id").asText();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            var r = api.postJson("/api/projects/" + project + "/ingest/jobs", "{\"source_path\":\"" + source + "\"}");
            assertThat(r.status()).isEqualTo(201);
            ids.add(r.json().get("id").asText());
        }
        return ids;
    }

    /** job id -> "status/attempts/documents", straight from the database. */
    private Map<String, String> jobs() throws Exception {
        Map<String, String> out = new HashMap<>();
        try (Connection c = DriverManager.getConnection(db); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT j.id, j.status, (SELECT COUNT(*) FROM documents d WHERE d.job_id = j.id)"
                        + " AS docs FROM ingest_jobs j")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2) + "/" + rs.getLong(3));
            }
        }
        return out;
    }

    private long completed() throws Exception {
        return jobs().values().stream().filter(v -> v.startsWith("completed/")).count();
    }

    private void assertAllCompletedOnce(List<String> ids) throws Exception {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(() -> completed() == ids.size());
        Map<String, String> jobs = jobs();
        assertThat(ids).allSatisfy(id -> assertThat(jobs.get(id)).isEqualTo("completed/1"));
    }

    @Test
    void killedServiceFinishesEveryJobAfterRestart() throws Exception {
        Map<String, String> env = env("all");
        env.put("CORTEX_BROKER_PORT", String.valueOf(TestApp.freePort()));
        List<String> ids;
        try (ProcessApp first = ProcessApp.start(tmp, "all", env)) {
            ids = createJobs(first, 60);
            await().atMost(Duration.ofSeconds(60)).until(() -> completed() >= 4);
            first.kill();
        }
        assertThat(completed()).isLessThan(60);
        try (ProcessApp second = ProcessApp.start(tmp, "all-again", env)) {
            assertAllCompletedOnce(ids);
        }
    }

    /** An api-only instance with the embedded broker, and the settings of worker-only instances that join it. */
    private record Split(Map<String, String> api, Map<String, String> worker) {
    }

    private Split split() throws Exception {
        int brokerPort = TestApp.freePort();
        Map<String, String> apiEnv = env("api");
        apiEnv.put("CORTEX_BROKER_PORT", String.valueOf(brokerPort));
        Map<String, String> workerEnv = env("worker");
        workerEnv.put("CORTEX_BROKER_URL", "tcp://127.0.0.1:" + brokerPort);
        return new Split(apiEnv, workerEnv);
    }

    @Test
    void killedWorkerIsReplacedAndApiKeepsItsJobs() throws Exception {
        Split split = split();
        Map<String, String> apiEnv = split.api();
        Map<String, String> workerEnv = split.worker();
        try (ProcessApp api = ProcessApp.start(tmp, "api", apiEnv)) {
            List<String> ids;
            try (ProcessApp worker = ProcessApp.start(tmp, "worker", workerEnv)) {
                // a worker-only instance serves no API, only its health
                assertThat(worker.get("/api/projects").status()).isEqualTo(404);
                assertThat(worker.get("/observe/health").json().get("status").asText()).isEqualTo("UP");
                ids = createJobs(api, 60);
                await().atMost(Duration.ofSeconds(60)).until(() -> completed() >= 4);
                worker.kill();
            }
            assertThat(completed()).isLessThan(60);
            try (ProcessApp replacement = ProcessApp.start(tmp, "worker-again", workerEnv)) {
                assertAllCompletedOnce(ids);
            }
        }
    }

    @Test
    void twoWorkersShareTheQueueAndRunEachJobOnce() throws Exception {
        Split split = split();
        Map<String, String> apiEnv = split.api();
        Map<String, String> workerEnv = split.worker();
        workerEnv.put("CORTEX_TESTING_STAGE_DELAY_MS", "0");
        try (ProcessApp api = ProcessApp.start(tmp, "api", apiEnv);
                ProcessApp w1 = ProcessApp.start(tmp, "worker-1", workerEnv);
                ProcessApp w2 = ProcessApp.start(tmp, "worker-2", workerEnv)) {
            List<String> ids = createJobs(api, 200);
            assertAllCompletedOnce(ids);
            try (Connection c = DriverManager.getConnection(db); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT MAX(attempts), COUNT(DISTINCT lease_owner) FROM ingest_jobs")) {
                rs.next();
                assertThat(rs.getInt(1)).as("no job needed a second attempt").isEqualTo(1);
            }
        }
    }
}
