package routes.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import routes.api.Json;
import routes.document.DocumentStore;
import routes.job.IdempotencyKeys;
import routes.support.QueuedJobs;
import routes.job.JobEvents;
import routes.job.JobFilter;
import routes.job.JobRelay;
import routes.job.JobStatus;
import routes.job.JobStore;
import routes.project.Project;
import routes.project.ProjectStore;
import routes.support.TestDatabase;

/**
 * On SQLite the reads of the API do not take the write lock: while another connection holds a write transaction
 * (a long store of a tree's documents), listing, project lookup, chunk reads, idempotency replays and stream
 * snapshots all answer. With the old IMMEDIATE read transactions each waited out the busy timeout and failed.
 */
class SqliteReadsTest {

    @TempDir
    Path dir;

    @Test
    void readsAnswerWhileAWriterHoldsTheLock() throws Exception {
        // a short busy timeout: a read that waited for the lock would fail at once instead of after 10 s
        String url = TestDatabase.sqlite(dir).replace("busy_timeout=10000", "busy_timeout=200");
        try (Database db = new Database(url, null, null, 4, Duration.ofSeconds(5))) {
            db.migrate();
            JobEvents events = new JobEvents(db, Json.mapper());
            JobStore jobs = new JobStore(db, events);
            ProjectStore projects = new ProjectStore(db);
            Project project = projects.create("reads", null);
            UUID jobId = UUID.randomUUID();
            db.inTransaction(c -> {
                jobs.insert(c, QueuedJobs.job(jobId, project.id(), projects.defaultSource(c, project.id()), JobStatus.QUEUED, 0));
                return null;
            });

            CountDownLatch locked = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> db.inTransaction(c -> {
                db.update(c, "UPDATE projects SET name = name WHERE id = ?", project.id());
                locked.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            }));
            assertThat(locked.await(10, TimeUnit.SECONDS)).isTrue();
            try {
                assertThat(jobs.list(new JobFilter(project.id(), null, null, null, null, 10)).items()).hasSize(1);
                assertThat(projects.find(project.id())).isPresent();
                assertThat(projects.list()).isNotEmpty();
                assertThat(jobs.find(project.id(), jobId)).isPresent();
                assertThat(new DocumentStore(db).chunks(project.id(), UUID.randomUUID(), 0, 10)).isEmpty();
                assertThat(new DocumentStore(db).listForJob(jobId, null, 50).items()).isEmpty();
                assertThat(new IdempotencyKeys(db).replay(project.id(), IdempotencyKeys.of("k-1", "f"))).isEmpty();
                assertThat(events.snapshot(project.id(), null, jobs, 10)).isPresent();
                assertThat(jobs.unsent(0, 10)).extracting(JobRelay.Handoff::jobId).contains(jobId);
            } finally {
                release.countDown();
                writer.get(30, TimeUnit.SECONDS);
            }
        }
    }
}
