package routes.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import routes.db.Database;
import routes.job.JobStatus;
import routes.job.JobStore;
import routes.project.ProjectStore;
import routes.source.Trees;

/**
 * A migrated SQLite database and a fresh PostgreSQL one, for store tests that run on both ("sqlite" and
 * "postgresql" as parameter values), and job rows inserted the way the intake writes them.
 */
public final class BothDatabases implements AutoCloseable {

    private final Path dir;
    private final Database sqlite;
    private final Database postgres;

    private BothDatabases(Path dir) {
        this.dir = dir;
        this.sqlite = open(TestDatabase.sqlite(dir));
        this.postgres = open(TestDatabase.freshPostgres());
    }

    public static BothDatabases open() {
        try {
            return new BothDatabases(Files.createTempDirectory("both-databases-"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Database open(String url) {
        Database db = new Database(url, null, null, 2, Duration.ofSeconds(5));
        db.migrate();
        return db;
    }

    /** "sqlite" or "postgresql". */
    public Database get(String name) {
        return name.equals("sqlite") ? sqlite : postgres;
    }

    /** A job of {@code project} in {@code status} with {@code attempts}, in its project's default source. */
    public static UUID insertJob(Database db, JobStore jobs, UUID project, JobStatus status, int attempts) {
        UUID jobId = UUID.randomUUID();
        db.inTransaction(c -> {
            jobs.insert(c, QueuedJobs.job(jobId, project, new ProjectStore(db).defaultSource(c, project), status, attempts));
            return null;
        });
        return jobId;
    }

    @Override
    public void close() {
        sqlite.close();
        postgres.close();
        Trees.delete(dir);
    }
}
