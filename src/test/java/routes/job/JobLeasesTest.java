package routes.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import routes.api.Json;
import routes.db.Database;
import routes.db.Dialect;
import routes.project.Project;
import routes.project.ProjectStore;
import routes.support.BothDatabases;

/**
 * Who may run a job, on both databases: attempts are counted by claims (a worker that dies mid-attempt uses one up),
 * leases are computed by the database's clock, and recovery re-sends a lost hand-off once per stale period.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobLeasesTest {

    private BothDatabases databases;

    @BeforeAll
    void databases() {
        databases = BothDatabases.open();
    }

    @AfterAll
    void close() {
        databases.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aJobWhoseWorkerDiesEveryTimeFailsAfterItsAttempts(String name) {
        Database db = database(name);
        JobStore jobs = store(db);
        UUID jobId = queuedJob(db, jobs);
        for (int attempt = 1; attempt <= 3; attempt++) {
            assertThat(jobs.claim(jobId, "worker-" + attempt, Duration.ofMinutes(1), 3)).as("claim " + attempt).isPresent();
            // the worker dies: nothing is recorded, its lease runs out
            expireLease(db, jobId);
        }

        assertThat(jobs.claim(jobId, "worker-4", Duration.ofMinutes(1), 3)).isEmpty();

        IngestJob job = jobs.findAny(jobId).orElseThrow();
        assertThat(job.status()).isEqualTo(JobStatus.FAILED);
        assertThat(job.attempts()).isEqualTo(3);
        assertThat(job.errorMessage()).startsWith("Abandoned by its worker: 3 attempts")
                .contains("in 3 of them the worker running it vanished");
        assertThat(job.message()).startsWith("Failed at stage fetch: Abandoned by its worker");
        assertThat(job.completedAt()).isNotNull();
        assertThat(jobs.recoverable(0, 10)).doesNotContain(jobId);
        assertThat(jobs.unsent(0, 10)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aJobHandedBackAtShutdownKeepsItsBudgetAndItsHistory(String name) {
        Database db = database(name);
        JobStore jobs = store(db);
        UUID jobId = queuedJob(db, jobs);
        for (int restart = 0; restart < 5; restart++) {
            assertThat(jobs.claim(jobId, "worker-" + restart, Duration.ofMinutes(1), 3)).isPresent();
            assertThat(jobs.requeue(jobId, "worker-" + restart, null, "Handed back", 0, false, null)).isTrue();
        }
        // attempts count what happened; the hand-backs were not the job's fault and left its budget whole
        assertThat(jobs.findAny(jobId).orElseThrow().attempts()).isEqualTo(5);
        JobStore.Claim claim = jobs.claim(jobId, "worker", Duration.ofMinutes(1), 3).orElseThrow();
        assertThat(claim.charged()).isEqualTo(1);
        assertThat(claim.job().attempts()).isEqualTo(6);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    void progressNeverMovesBackwardsAcrossAHandBack(String name) {
        Database db = database(name);
        JobStore jobs = store(db);
        UUID jobId = queuedJob(db, jobs);
        JobStore.SourceFacts none = new JobStore.SourceFacts(null, null, null);
        jobs.claim(jobId, "first", Duration.ofMinutes(1), 4).orElseThrow();
        assertThat(jobs.advance(jobId, "first", Duration.ofMinutes(1), JobStage.DETECT, JobStage.DETECT.progress(),
                "Detecting type", none)).isTrue();
        assertThat(jobs.handBack(jobId, "first", "Handed back to the queue at shutdown")).isTrue();
        IngestJob handedBack = jobs.findAny(jobId).orElseThrow();
        assertThat(handedBack.attempts()).isEqualTo(1);
        assertThat(handedBack.progress()).isEqualTo(JobStage.DETECT.progress());
        jobs.claim(jobId, "second", Duration.ofMinutes(1), 4).orElseThrow();
        jobs.advance(jobId, "second", Duration.ofMinutes(1), JobStage.FETCH, JobStage.FETCH.progress(), "Fetching", none);
        IngestJob again = jobs.findAny(jobId).orElseThrow();
        assertThat(again.attempts()).isEqualTo(2);
        assertThat(again.stage()).isEqualTo(JobStage.FETCH);
        assertThat(again.progress()).as("the bar stays where it was").isEqualTo(JobStage.DETECT.progress());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    void theRetryPolicyOfTheRouteIsTheBudgetOfTheClaims(String name) {
        Database db = database(name);
        JobStore jobs = store(db);
        UUID jobId = queuedJob(db, jobs);
        // a route that allows 6 retries (7 attempts) while the settings allow 3 (4 attempts): its decisions stand
        for (int attempt = 1; attempt <= 6; attempt++) {
            JobStore.Claim claim = jobs.claim(jobId, "worker-" + attempt, Duration.ofMinutes(1), 4).orElseThrow();
            assertThat(claim.charged()).isEqualTo(attempt);
            assertThat(claim.takenOver()).isFalse();
            assertThat(jobs.requeue(jobId, "worker-" + attempt, "boom", "Retry", 0, true, 7)).isTrue();
        }
        assertThat(jobs.claim(jobId, "worker-7", Duration.ofMinutes(1), 4)).isPresent();
        assertThat(jobs.findAny(jobId).orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aJobWhoseWorkerVanishedIsTakenOverAndSaysSo(String name) {
        Database db = database(name);
        JobStore jobs = store(db);
        UUID jobId = queuedJob(db, jobs);
        assertThat(jobs.claim(jobId, "first", Duration.ofMinutes(1), 4).orElseThrow().takenOver()).isFalse();
        expireLease(db, jobId);
        JobStore.Claim second = jobs.claim(jobId, "second", Duration.ofMinutes(1), 4).orElseThrow();
        assertThat(second.takenOver()).isTrue();
        assertThat(second.charged()).isEqualTo(2);
        assertThat(db.read(c -> db.queryOne(c, "SELECT vanished_attempts FROM ingest_jobs WHERE id = ?",
                rs -> rs.getInt(1), jobId)).orElseThrow()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    void leasesRunByTheDatabasesClock(String name) {
        Database db = database(name);
        JobStore jobs = store(db);
        UUID jobId = queuedJob(db, jobs);
        assertThat(jobs.claim(jobId, "first", Duration.ofSeconds(30), 3)).isPresent();

        double secondsLeft = db.read(c -> db.queryOne(c, "SELECT lease_expires_at AS until, " + db.dialect().clock()
                + " AS now FROM ingest_jobs WHERE id = ?", rs -> Duration.between(db.dialect().instant(rs, "now"),
                        db.dialect().instant(rs, "until")).toMillis() / 1000.0, jobId)).orElseThrow();
        assertThat(secondsLeft).isBetween(25.0, 30.5);
        // a live lease by the database's clock is not taken over, an expired one is
        assertThat(jobs.claim(jobId, "second", Duration.ofSeconds(30), 3)).isEmpty();
        expireLease(db, jobId);
        assertThat(jobs.claim(jobId, "second", Duration.ofSeconds(30), 3)).isPresent();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aLostHandOffIsResentOncePerStalePeriod(String name) {
        Database db = database(name);
        JobStore jobs = store(db);
        UUID jobId = queuedJob(db, jobs);
        jobs.handedOff(jobId.toString(), "task-1");
        assertThat(jobs.recoverable(60, 100)).as("a fresh hand-off is live").doesNotContain(jobId);

        Instant longAgo = Dialect.now().minusSeconds(600);
        db.inTransaction(c -> db.update(c, "UPDATE ingest_jobs SET handed_off_at = ?, next_attempt_at = ? WHERE id = ?",
                longAgo, longAgo, jobId));
        assertThat(jobs.recoverable(60, 100)).as("the message is overdue").contains(jobId);

        jobs.handedOff(jobId.toString(), "task-2");
        assertThat(jobs.recoverable(60, 100)).as("re-sent just now: not again on the next sweep")
                .doesNotContain(jobId);
    }

    private Database database(String name) {
        return databases.get(name);
    }

    private static JobStore store(Database db) {
        return new JobStore(db, new JobEvents(db, Json.mapper()));
    }

    private static void expireLease(Database db, UUID jobId) {
        db.inTransaction(c -> db.update(c, "UPDATE ingest_jobs SET lease_expires_at = ? WHERE id = ?",
                Dialect.now().minusSeconds(5), jobId));
    }

    private static UUID queuedJob(Database db, JobStore jobs) {
        Project project = new ProjectStore(db).create("leases " + UUID.randomUUID(), null);
        return BothDatabases.insertJob(db, jobs, project.id(), JobStatus.QUEUED, 0);
    }
}
