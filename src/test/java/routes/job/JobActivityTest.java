package routes.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import routes.api.Json;
import routes.db.Database;
import routes.db.Dialect;
import routes.project.ProjectStore;
import routes.support.BothDatabases;

/**
 * The jobs a project finished per minute over the last hour, counted by the database, on both databases: each
 * terminal status in the minute it finished, the current minute included; jobs finished before the hour, deleted
 * jobs, unfinished jobs and other projects' jobs are not counted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobActivityTest {

    private BothDatabases databases;

    @BeforeAll
    void open() {
        databases = BothDatabases.open();
    }

    @AfterAll
    void close() {
        databases.close();
    }

    private static void finished(Database db, JobStore jobs, UUID project, JobStatus status, Instant at, boolean deleted) {
        UUID id = BothDatabases.insertJob(db, jobs, project, JobStatus.QUEUED, 1);
        db.inTransaction(c -> db.update(c, "UPDATE ingest_jobs SET status = ?, completed_at = ?, deleted_at = ? WHERE id = ?",
                status, at, deleted ? at : null, id));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void countsEachProjectsFinishedJobsInTheMinuteTheyFinished(String database) {
        Database db = databases.get(database);
        JobStore jobs = new JobStore(db, new JobEvents(db, Json.mapper()));
        UUID project = new ProjectStore(db).create("activity " + UUID.randomUUID(), null).id();
        UUID other = new ProjectStore(db).create("other " + UUID.randomUUID(), null).id();
        // the count below must be read in the minute these jobs finished: not in a minute's last seconds
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> Dialect.now().getEpochSecond() % 60 < 55);
        Instant now = Dialect.now();
        Instant thisMinute = now.truncatedTo(ChronoUnit.MINUTES);
        Instant tenAgo = thisMinute.minus(10, ChronoUnit.MINUTES).plusSeconds(59);
        finished(db, jobs, project, JobStatus.COMPLETED, now, false);
        finished(db, jobs, project, JobStatus.COMPLETED, now, false);
        finished(db, jobs, project, JobStatus.FAILED, now, false);
        finished(db, jobs, project, JobStatus.COMPLETED, tenAgo, false);
        finished(db, jobs, project, JobStatus.CANCELLED, tenAgo, false);
        // not counted: before the hour, deleted, another project's, not finished
        finished(db, jobs, project, JobStatus.COMPLETED, thisMinute.minus(60, ChronoUnit.MINUTES), false);
        finished(db, jobs, project, JobStatus.COMPLETED, now, true);
        finished(db, jobs, other, JobStatus.COMPLETED, now, false);
        BothDatabases.insertJob(db, jobs, project, JobStatus.RUNNING, 1);

        JobActivity.LastHour hour = new JobActivity(db).lastHour(project);

        assertThat(hour.minutes()).hasSize(60);
        assertThat(hour.from()).isEqualTo(thisMinute.minus(59, ChronoUnit.MINUTES));
        assertThat(hour.minutes().get(59)).isEqualTo(new JobActivity.Minute(thisMinute, 2, 1, 0));
        assertThat(hour.minutes().get(49)).isEqualTo(new JobActivity.Minute(thisMinute.minus(10, ChronoUnit.MINUTES), 1, 0, 1));
        assertThat(hour.minutes().stream().filter(m -> m.completed() + m.failed() + m.cancelled() > 0)).hasSize(2);
        assertThat(new long[] {hour.completed(), hour.failed(), hour.cancelled()}).containsExactly(3, 1, 1);
    }
}
