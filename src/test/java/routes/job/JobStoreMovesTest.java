package routes.job;

import routes.support.QueuedJobs;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import routes.api.Json;
import routes.db.Database;
import routes.db.Dialect;
import routes.project.Project;
import routes.project.ProjectStore;
import routes.support.TestDatabase;
import routes.source.Trees;

/**
 * The conditional UPDATEs of {@link JobStore} against {@link JobMove}'s table, on both databases: for every status
 * (and, for a running job, a live or an expired lease), a claim and a soft delete happen exactly when the table
 * allows them, and leave the status the table says.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobStoreMovesTest {

    private Path dir;
    private Database sqlite;
    private Database postgres;

    @BeforeAll
    void databases() throws Exception {
        dir = Files.createTempDirectory("moves-");
        sqlite = open(TestDatabase.sqlite(dir));
        postgres = open(TestDatabase.freshPostgres());
    }

    private static Database open(String url) {
        Database db = new Database(url, null, null, 2, java.time.Duration.ofSeconds(5));
        db.migrate();
        return db;
    }

    @AfterAll
    void close() {
        sqlite.close();
        postgres.close();
        Trees.delete(dir);
    }

    /** Every status, a running job with a live and with an expired lease, on each database. */
    Stream<Arguments> cases() {
        return Stream.of("sqlite", "postgresql").flatMap(db -> Stream.of(JobStatus.values()).flatMap(status ->
                status == JobStatus.RUNNING
                        ? Stream.of(Arguments.of(db, status, false), Arguments.of(db, status, true))
                        : Stream.of(Arguments.of(db, status, false))));
    }

    @ParameterizedTest(name = "{0}: claim of a {1} job (lease expired: {2})")
    @MethodSource("cases")
    void claimFollowsTheTable(String db, JobStatus status, boolean leaseExpired) throws Exception {
        Fixture f = fixture(db, status, leaseExpired);
        boolean allowed = JobMove.CLAIM.from().contains(status)
                || (JobMove.TAKE_OVER.from().contains(status) && leaseExpired);

        var claimed = f.jobs.claim(f.jobId, "claimant", Duration.ofMinutes(1), 3);

        assertThat(claimed.isPresent()).isEqualTo(allowed);
        IngestJob now = f.jobs.findAny(f.jobId).orElseThrow();
        if (allowed) {
            JobMove move = status == JobStatus.QUEUED ? JobMove.CLAIM : JobMove.TAKE_OVER;
            assertThat(now.status()).isEqualTo(move.target(status).orElseThrow());
            assertThat(now.attempts()).isEqualTo(2);
            assertThat(claimed.get().takenOver()).isEqualTo(move == JobMove.TAKE_OVER);
            // the new attempt holds the job now: the old owner's progress is refused, the claimant's accepted
            assertThat(f.jobs.stillRunning(f.jobId, "claimant")).isTrue();
            assertThat(f.jobs.stillRunning(f.jobId, "old-owner")).isFalse();
        } else {
            assertThat(now.status()).isEqualTo(status);
            assertThat(now.attempts()).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0}: soft delete of a {1} job (lease expired: {2})")
    @MethodSource("cases")
    void softDeleteFollowsTheTable(String db, JobStatus status, boolean leaseExpired) throws Exception {
        Fixture f = fixture(db, status, leaseExpired);
        boolean allowed = JobMove.DELETE.from().contains(status);

        var before = f.jobs.softDelete(f.projectId, f.jobId);

        assertThat(before).map(IngestJob::status).contains(status);
        IngestJob now = f.jobs.findAny(f.jobId).orElseThrow();
        assertThat(now.deletedAt() != null).isEqualTo(allowed);
        assertThat(now.status()).isEqualTo(allowed ? JobMove.DELETE.target(status).orElseThrow() : status);
        if (allowed && status == JobStatus.QUEUED) {
            assertThat(now.completedAt()).as("a queued job is cancelled on the way").isNotNull();
        }
        // a deleted job is gone for every further move
        if (allowed) {
            assertThat(f.jobs.softDelete(f.projectId, f.jobId)).isEmpty();
            assertThat(f.jobs.claim(f.jobId, "late", Duration.ofMinutes(1), 3)).isEmpty();
        }
    }

    private record Fixture(JobStore jobs, UUID projectId, UUID jobId) {
    }

    /** A job in {@code status}, claimed once by "old-owner", whose lease has or has not run out. */
    private Fixture fixture(String name, JobStatus status, boolean leaseExpired) throws Exception {
        Database db = name.equals("sqlite") ? sqlite : postgres;
        ObjectMapper json = Json.mapper();
        JobStore jobs = new JobStore(db, new JobEvents(db, json));
        Project project = new ProjectStore(db).create("moves " + UUID.randomUUID(), null);
        UUID jobId = UUID.randomUUID();
        Instant now = Dialect.now();
        db.inTransaction(c -> {
            UUID source = new ProjectStore(db).defaultSource(c, project.id());
            jobs.insert(c, QueuedJobs.job(jobId, project.id(), source, JobStatus.QUEUED, 0));
            return null;
        });
        assertThat(jobs.claim(jobId, "old-owner", Duration.ofMinutes(1), 3)).isPresent();
        Instant lease = leaseExpired ? now.minusSeconds(60) : now.plusSeconds(600);
        db.inTransaction(c -> db.update(c, "UPDATE ingest_jobs SET status = ?, lease_expires_at = ? WHERE id = ?",
                status, lease, jobId));
        return new Fixture(jobs, project.id(), jobId);
    }
}
