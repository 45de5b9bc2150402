package routes.document;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import routes.api.Json;
import routes.db.Database;
import routes.job.JobEvents;
import routes.job.JobStatus;
import routes.job.JobStore;
import routes.project.Project;
import routes.project.ProjectStore;
import routes.support.BothDatabases;

/**
 * A tree's documents go to the database in batches while it is indexed, invisible until its job completes; then,
 * in one transaction, they replace every other document of the job (an earlier attempt's published set, a stale
 * attempt's staged one). Staged documents of a job that ended otherwise are swept. On both databases.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StagedDocumentsTest {

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
    void stagedBatchesReplaceTheJobsDocumentsOnlyAtPublish(String name) {
        Database db = databases.get(name);
        DocumentStore store = new DocumentStore(db);
        JobStore jobs = new JobStore(db, new JobEvents(db, Json.mapper()));
        Project project = new ProjectStore(db).create("staged " + UUID.randomUUID(), null);
        UUID job = job(db, jobs, project.id());

        stageTree(store, project.id(), job, "first", 3, 3);
        db.inTransaction(c -> {
            store.publish(c, job, "first");
            return null;
        });
        assertThat(paths(store, job)).containsExactly(".", "first-0.txt", "first-1.txt", "first-2.txt");

        // a second attempt stores two batches, a stale third attempt one: readers still see the first set only
        UUID secondRoot = stageTree(store, project.id(), job, "second", 5, 2);
        stageTree(store, project.id(), job, "stale", 1, 1);
        assertThat(paths(store, job)).containsExactly(".", "first-0.txt", "first-1.txt", "first-2.txt");
        UUID stagedChild = ids(db, job, "second").get(1);
        assertThat(store.chunks(project.id(), stagedChild, 0, 10)).as("a staged document is not readable").isEmpty();

        db.inTransaction(c -> {
            store.publish(c, job, "second");
            return null;
        });
        assertThat(paths(store, job)).containsExactly(".", "second-0.txt", "second-1.txt", "second-2.txt",
                "second-3.txt", "second-4.txt");
        assertThat(store.listForJob(job, null, 100).items().get(0).id()).isEqualTo(secondRoot);
        assertThat(store.chunks(project.id(), stagedChild, 0, 10)).isPresent();
        assertThat(count(db, job)).as("the first and the stale sets are gone").isEqualTo(6);

        // an attempt that never completes leaves staged rows; once the job has ended, the sweep removes them
        stageTree(store, project.id(), job, "abandoned", 2, 2);
        assertThat(store.purgeUnpublished()).as("the job still runs: kept").isZero();
        db.inTransaction(c -> db.update(c, "UPDATE ingest_jobs SET status = 'failed' WHERE id = ?", job));
        assertThat(store.purgeUnpublished()).isEqualTo(3);
        assertThat(count(db, job)).isEqualTo(6);
    }

    /** A root and {@code files} children staged in batches of {@code batch}; returns the root's id. */
    private static UUID stageTree(DocumentStore store, UUID project, UUID job, String attempt, int files, int batch) {
        UUID root = store.stage(project, job, attempt, null, List.of(doc(".", ""))).get(0);
        List<ExtractedDocument> pending = new ArrayList<>();
        for (int i = 0; i < files; i++) {
            pending.add(doc(attempt + "-" + i + ".txt", "text of " + attempt + " " + i));
            if (pending.size() == batch || i == files - 1) {
                store.stage(project, job, attempt, root, pending);
                pending.clear();
            }
        }
        return root;
    }

    private static ExtractedDocument doc(String path, String text) {
        List<Chunk> chunks = text.isEmpty() ? List.of() : List.of(new Chunk(0, 0, text.length(), text));
        return new ExtractedDocument(path, path, "text/plain", (long) text.length(), null, text, chunks);
    }

    private static List<String> paths(DocumentStore store, UUID job) {
        return store.listForJob(job, null, 100).items().stream().map(DocumentStore.DocumentSummary::path).toList();
    }

    private static List<UUID> ids(Database db, UUID job, String attempt) {
        return db.read(c -> db.query(c, "SELECT id FROM documents WHERE job_id = ? AND staged_by = ? ORDER BY path",
                rs -> db.dialect().uuid(rs, "id"), job, attempt));
    }

    private static long count(Database db, UUID job) {
        return db.read(c -> db.queryOne(c, "SELECT COUNT(*) FROM documents WHERE job_id = ?", rs -> rs.getLong(1), job))
                .orElseThrow();
    }

    private static UUID job(Database db, JobStore jobs, UUID project) {
        return BothDatabases.insertJob(db, jobs, project, JobStatus.RUNNING, 1);
    }
}
