package routes.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import routes.api.Json;
import routes.db.Database;
import routes.project.ProjectStore;
import routes.support.BothDatabases;

/**
 * Event seq is assigned by the relay, not by the writers: with many writers of one project committing while the
 * relay numbers, every event gets exactly one seq, a project's seqs run 1..n without a gap, each job's events are
 * numbered in the order of its changes, and the stored payloads carry their seq. An instance without the relay lease
 * numbers nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EventNumberingTest {

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
    void writersOfOneProjectGetGaplessSeqsInTheOrderOfEachJobsChanges(String name) throws Exception {
        Database db = databases.get(name);
        JobEvents events = new JobEvents(db, Json.mapper());
        JobStore jobs = new JobStore(db, events);
        UUID project = new ProjectStore(db).create("numbering " + UUID.randomUUID(), null).id();
        assertThat(events.holdRelay("holder", Duration.ofMinutes(1))).isTrue();

        int writers = 4;
        int jobsEach = 25;
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
        try {
            Future<?> relay = pool.submit(() -> {
                while (writing.get()) {
                    events.sequence("holder", 7);
                }
                return null;
            });
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < jobsEach; i++) {
                        UUID job = BothDatabases.insertJob(db, jobs, project, JobStatus.QUEUED, 0);
                        assertThat(jobs.cancel(project, job)).isPresent();
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            writing.set(false);
            relay.get();
        } finally {
            pool.shutdown();
        }
        while (events.sequence("holder", 7) > 0) {
            // the rest, after the writers
        }

        int total = writers * jobsEach * 2;
        List<JobEvents.Stored> numbered = events.after(project, null, 0, total + 10);
        assertThat(numbered).extracting(JobEvents.Stored::seq)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, total).boxed().toList());
        assertThat(events.position(project).orElseThrow().lastSeq()).isEqualTo(total);
        Map<UUID, List<String>> typesByJob = new java.util.HashMap<>();
        for (JobEvents.Stored e : numbered) {
            typesByJob.computeIfAbsent(e.jobId(), k -> new ArrayList<>()).add(e.type());
            assertThat(Json.mapper().readTree(e.payload()).get("seq").asLong()).isEqualTo(e.seq());
        }
        assertThat(typesByJob).hasSize(writers * jobsEach);
        assertThat(typesByJob.values()).allSatisfy(types ->
                assertThat(types).containsExactly(JobEvents.CREATED, JobEvents.CANCELLED));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    void onlyTheLeaseHolderNumbers(String name) {
        Database db = databases.get(name);
        JobEvents events = new JobEvents(db, Json.mapper());
        JobStore jobs = new JobStore(db, events);
        UUID project = new ProjectStore(db).create("lease " + UUID.randomUUID(), null).id();
        assertThat(events.holdRelay("holder", Duration.ofMinutes(1))).isTrue();
        BothDatabases.insertJob(db, jobs, project, JobStatus.QUEUED, 0);

        assertThat(events.sequence("other", 10)).isZero();
        assertThat(events.after(project, null, 0, 10)).isEmpty();
        assertThat(events.sequence("holder", 10)).isEqualTo(1);
        assertThat(events.after(project, null, 0, 10)).extracting(JobEvents.Stored::seq).containsExactly(1L);
    }
}
