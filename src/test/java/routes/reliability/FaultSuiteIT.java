package routes.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import routes.source.Trees;
import routes.support.GitHttpServer;
import routes.support.SampleDocuments;
import routes.support.SampleTree;

/**
 * The fault suite (docs/reliability.md): the runnable jar as an api instance and two worker instances, an Artemis
 * broker process and S3Proxy on PostgreSQL, 300+ jobs of mixed sources per scenario while a fault happens: workers
 * killed, the broker killed and restarted, the database refusing connections, S3 gone, the upload directory
 * unusable; and poison jobs. After each, {@link Invariants}: nothing lost, nothing doubled, nothing orphaned, every
 * event in order and delivered. Run by failsafe after the package phase, on the jar it built.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultSuiteIT {

    static final int JOBS = 300;

    Path dir;
    GitHttpServer git;
    Cluster cluster;
    AuditSubscriber audit;
    final List<Invariants.Figures> figures = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("fault-suite-");
        git = new GitHttpServer(SampleTree.gitRepository(dir.resolve("repo")));
        cluster = new Cluster(dir, "127.0.0.1:" + git.port());
        audit = new AuditSubscriber(cluster.brokerPort, "cortex.ingest.audit");
    }

    @AfterAll
    void stop() throws Exception {
        StringBuilder table = new StringBuilder("| scenario | accepted | refused (503) | faults | lost | duplicated"
                + " | orphans | events |\n|---|---|---|---|---|---|---|---|\n");
        figures.forEach(f -> table.append(f.row()).append('\n'));
        Files.writeString(Path.of("target", "reliability-figures.md"), table.toString());
        System.out.println(table);
        if (audit != null) {
            audit.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (git != null) {
            git.close();
        }
        // every process's log, for whoever reads a failure
        Path logs = Files.createDirectories(Path.of("target", "reliability-logs"));
        try (var files = Files.walk(dir)) {
            for (Path log : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".log"))::iterator) {
                Files.copy(log, logs.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Trees.delete(dir);
    }

    /** A fault, given the client creating jobs (to time it) and the project; returns how many faults it injected. */
    @FunctionalInterface
    interface Fault {
        int inject(JobMix mix, String project) throws Exception;
    }

    private void scenario(String name, int jobs, boolean holdOpen, Fault fault, Map<String, String> expectedFailures,
            List<String> extraAccepted) throws Exception {
        scenario(name, newProject(name), jobs, holdOpen, fault, expectedFailures, extraAccepted);
    }

    private String newProject(String name) {
        return cluster.api.postJson("/api/projects", "{\"name\":\"" + name + "\"}").json().get("id").asText();
    }

    private void scenario(String name, String project, int jobs, boolean holdOpen, Fault fault,
            Map<String, String> expectedFailures, List<String> extraAccepted) throws Exception {
        AtomicBoolean open = new AtomicBoolean(holdOpen);
        JobMix mix = new JobMix(cluster.api, project, git.url("/repo.git"), jobs, open);
        Thread creator = new Thread(mix, "job-mix-" + name);
        creator.start();
        int faults;
        try {
            faults = fault.inject(mix, project);
        } finally {
            open.set(false);
        }
        creator.join(Duration.ofMinutes(5).toMillis());
        assertThat(creator.isAlive()).as("the client finished creating jobs").isFalse();
        assertThat(mix.violations).as("answers that were neither 2xx nor 503 JSON").isEmpty();
        List<String> accepted = new ArrayList<>(mix.accepted);
        accepted.addAll(extraAccepted);
        figures.add(Invariants.check(name, cluster, audit, project, accepted, expectedFailures, mix.refused.get(),
                faults));
    }

    private long completed(String project) throws Exception {
        try (var c = cluster.database(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM ingest_jobs WHERE status = 'completed'"
                        + " AND project_id = '" + project + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private int attempts(String job) throws Exception {
        try (var c = cluster.database(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT attempts FROM ingest_jobs WHERE id = '" + job + "'")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    private static void holdFor(Duration outage) {
        await().pollDelay(outage).atMost(outage.plusSeconds(5)).until(() -> true);
    }

    private static void awaitAccepted(JobMix mix, int n) {
        await().atMost(Duration.ofSeconds(120)).until(() -> mix.accepted.size() >= n);
    }

    @Test
    @Order(1)
    void workersKilledThreeTimes() throws Exception {
        scenario("worker kill -9 x3", JOBS, false, (mix, project) -> {
            for (int kill = 1; kill <= 3; kill++) {
                long at = 60L * kill;
                await().atMost(Duration.ofSeconds(120)).until(() -> completed(project) >= at);
                cluster.killAndRestartWorker(0);
            }
            return 3;
        }, Map.of(), List.of());
    }

    @Test
    @Order(2)
    void brokerRestarted() throws Exception {
        scenario("broker kill -9 and restart", JOBS, true, (mix, project) -> {
            awaitAccepted(mix, 100);
            cluster.killBroker();
            holdFor(Duration.ofSeconds(5));
            cluster.startBroker();
            return 1;
        }, Map.of(), List.of());
    }

    @Test
    @Order(3)
    void databaseRefusesConnectionsForTenSeconds() throws Exception {
        JobMix[] seen = new JobMix[1];
        scenario("PostgreSQL refuses connections 10 s", JOBS, true, (mix, project) -> {
            seen[0] = mix;
            awaitAccepted(mix, 100);
            cluster.refuseDatabase();
            try {
                holdFor(Duration.ofSeconds(10));
            } finally {
                cluster.acceptDatabase();
            }
            return 1;
        }, Map.of(), List.of());
        assertThat(seen[0].refused.get()).as("requests answered 503 during the outage").isPositive();
    }

    @Test
    @Order(4)
    void s3UnavailableForTenSeconds() throws Exception {
        JobMix[] seen = new JobMix[1];
        scenario("S3 stopped 10 s", JOBS, true, (mix, project) -> {
            seen[0] = mix;
            awaitAccepted(mix, 100);
            cluster.stopS3();
            try {
                holdFor(Duration.ofSeconds(10));
            } finally {
                cluster.startS3();
            }
            return 1;
        }, Map.of(), List.of());
        assertThat(seen[0].refusedUploads.get()).as("uploads answered 503 while S3 was down").isPositive();
    }

    @Test
    @Order(5)
    void uploadDirectoryUnusable() throws Exception {
        JobMix[] seen = new JobMix[1];
        scenario("upload directory replaced by a file", JOBS, true, (mix, project) -> {
            seen[0] = mix;
            awaitAccepted(mix, 100);
            Path temp = cluster.apiTempDir();
            Path plain = Files.writeString(temp.resolveSibling("plain-file"), "not a directory");
            List<Path> movedAway = new ArrayList<>();
            // the service recreates a missing directory at once: move it away and the file in, until the file wins
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
                if (Files.isDirectory(temp)) {
                    Path away = temp.resolveSibling("tmp-away-" + movedAway.size());
                    Files.move(temp, away, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                    movedAway.add(away);
                }
                Files.move(plain, temp, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                return Files.isRegularFile(temp);
            });
            try {
                holdFor(Duration.ofSeconds(5));
            } finally {
                Files.delete(temp);
                Files.createDirectories(temp);
                movedAway.forEach(Trees::delete);
            }
            return 1;
        }, Map.of(), List.of());
        assertThat(seen[0].refusedUploads.get()).as("uploads answered 503 without their directory").isPositive();
    }

    @Test
    @Order(6)
    void poisonJobsFailAloneAfterTheirAttempts() throws Exception {
        String project = newProject("poison jobs");
        String upload = "/api/projects/" + project + "/ingest/upload";
        var crash = cluster.api.upload(upload, Cluster.EXIT_MARKER + ".txt",
                "this document ends its worker".getBytes(StandardCharsets.UTF_8), "text/plain", null);
        assertThat(crash.status()).isEqualTo(200);
        String crashId = crash.json().get("job_id").asText();
        // The bomb goes in once the crash job has ended a worker: jobs in flight beside it when it crashes lose that
        // attempt too (docs/reliability.md, limits), and the two created together would share every crash.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            cluster.replaceDeadWorkers();
            return attempts(crashId) >= 2;
        });
        var bomb = cluster.api.upload(upload, "bomb.pdf", SampleDocuments.pdfBomb(400_000), "application/pdf", null);
        assertThat(bomb.status()).isEqualTo(200);
        String bombId = bomb.json().get("job_id").asText();
        Map<String, String> expected = new HashMap<>();
        expected.put(bombId, "The parser process of bomb.pdf died");
        expected.put(crashId, "Abandoned by its worker: 5 attempts");
        scenario("poison jobs (parser bomb, worker crash)", project, 100, false, (mix, p) -> {
            // an orchestrator restarts a worker that died: here, each time the crash job ends one
            await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(200)).until(() -> {
                cluster.replaceDeadWorkers();
                try (var c = cluster.database(); Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT status FROM ingest_jobs WHERE id = '" + crashId + "'")) {
                    return rs.next() && rs.getString(1).equals("failed");
                }
            });
            return 5;
        }, expected, List.of(bombId, crashId));
    }
}
