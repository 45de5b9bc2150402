package routes.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import routes.api.Json;
import routes.db.Database;
import routes.project.ProjectStore;
import routes.support.BothDatabases;
import routes.support.QueuedJobs;

/**
 * One version of each document, in the store, on both databases: the completion of a job with a document key
 * supersedes the earlier completed jobs of its project and key in its own transaction, whatever order the versions
 * complete in (an older one completing late is superseded at once); a failed or cancelled job supersedes nothing;
 * keys are per project; and completions racing on one key leave exactly one current version.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DocumentVersionsTest {

    private static final JobStore.SourceFacts NO_FACTS = new JobStore.SourceFacts(null, null, null);

    private BothDatabases databases;

    @BeforeAll
    void open() {
        databases = BothDatabases.open();
    }

    @AfterAll
    void close() {
        databases.close();
    }

    private record Store(Database db, JobStore jobs, UUID project) {

        UUID version(String key) {
            return version(project, key);
        }

        /** A new job holding a version of {@code key}, created after every earlier one (a clock tick apart). */
        UUID version(UUID inProject, String key) {
            try {
                Thread.sleep(3);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            UUID id = UUID.randomUUID();
            db.inTransaction(c -> {
                jobs.insert(c, QueuedJobs.keyed(id, inProject, new ProjectStore(db).defaultSource(c, inProject),
                        JobStatus.QUEUED, 0, key));
                return null;
            });
            return id;
        }

        boolean complete(UUID id) {
            String owner = "attempt-" + id;
            assertThat(jobs.claim(id, owner, Duration.ofMinutes(1), 3)).isPresent();
            return db.inTransaction(c -> jobs.complete(c, id, owner, null, "done", NO_FACTS));
        }

        UUID supersededBy(UUID id) {
            return jobs.findAny(id).orElseThrow().supersededBy();
        }

        List<UUID> current(String key) {
            return db.read(c -> db.query(c, "SELECT id FROM ingest_jobs WHERE project_id = ? AND document_key = ?"
                    + " AND status = 'completed' AND superseded_by IS NULL", rs -> db.dialect().uuid(rs, "id"), project,
                    key));
        }
    }

    private Store store(String database) {
        Database db = databases.get(database);
        UUID project = new ProjectStore(db).create("versions " + UUID.randomUUID(), null).id();
        return new Store(db, new JobStore(db, new JobEvents(db, Json.mapper())), project);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aNewerVersionSupersedesTheOlderWhicheverCompletesFirst(String database) {
        Store s = store(database);
        UUID v1 = s.version("handbook");
        UUID v2 = s.version("handbook");
        assertThat(s.complete(v1)).isTrue();
        assertThat(s.supersededBy(v1)).isNull();
        assertThat(s.complete(v2)).isTrue();
        assertThat(s.supersededBy(v1)).isEqualTo(v2);
        assertThat(s.supersededBy(v2)).isNull();

        // versions 4 and 3 of another key complete in reverse: 3 is superseded the moment it completes
        UUID v3 = s.version("guide");
        UUID v4 = s.version("guide");
        assertThat(s.complete(v4)).isTrue();
        assertThat(s.complete(v3)).isTrue();
        assertThat(s.supersededBy(v3)).isEqualTo(v4);
        assertThat(s.current("guide")).containsExactly(v4);
        assertThat(s.current("handbook")).containsExactly(v2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void failedCancelledAndUnkeyedJobsSupersedeNothing(String database) {
        Store s = store(database);
        UUID v1 = s.version("policy");
        assertThat(s.complete(v1)).isTrue();
        UUID failed = s.version("policy");
        String owner = "attempt-" + failed;
        assertThat(s.jobs().claim(failed, owner, Duration.ofMinutes(1), 3)).isPresent();
        assertThat(s.jobs().fail(failed, owner, "broken", "Failed", JobStage.EXTRACT)).isTrue();
        UUID cancelled = s.version("policy");
        assertThat(s.jobs().cancel(s.project(), cancelled)).isPresent();
        UUID unkeyed = s.version(null);
        assertThat(s.complete(unkeyed)).isTrue();
        assertThat(s.current("policy")).containsExactly(v1);

        // the same key in another project is another document
        UUID other = new ProjectStore(s.db()).create("other " + UUID.randomUUID(), null).id();
        UUID elsewhere = s.version(other, "policy");
        assertThat(s.complete(elsewhere)).isTrue();
        assertThat(s.supersededBy(v1)).isNull();
        assertThat(s.supersededBy(elsewhere)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void versionsCompletingAtOnceLeaveExactlyOneCurrent(String database) throws Exception {
        Store s = store(database);
        List<UUID> versions = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            versions.add(s.version("race"));
        }
        for (UUID id : versions) {
            assertThat(s.jobs().claim(id, "attempt-" + id, Duration.ofMinutes(1), 3)).isPresent();
        }
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Boolean>> racing = new ArrayList<>();
        for (UUID id : versions) {
            racing.add(CompletableFuture.supplyAsync(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return s.db().inTransaction(c -> s.jobs().complete(c, id, "attempt-" + id, null, "done", NO_FACTS));
            }));
        }
        go.countDown();
        for (CompletableFuture<Boolean> f : racing) {
            assertThat(f.get()).isTrue();
        }
        // the newest by creation is the one version left; every other names it
        UUID newest = versions.get(versions.size() - 1);
        assertThat(s.current("race")).containsExactly(newest);
        for (UUID id : versions.subList(0, versions.size() - 1)) {
            assertThat(s.supersededBy(id)).isNotNull();
        }
    }
}
