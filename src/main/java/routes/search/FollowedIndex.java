package routes.search;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import routes.db.Database;

/**
 * An index this instance keeps in memory for search, following the database, which stays the source of truth: loaded
 * from it at start-up in the background, then job by job. A job completed on this instance is taken in within its
 * completing transaction ({@link #jobCompleting}), before the commit, so that the version it supersedes is never
 * missing from search with neither in memory (a rollback takes it out again); every change of a job (completed
 * elsewhere, superseded, deleted) as its event reaches this instance ({@link #jobChanged}). What an index finds is
 * checked against the database as it is read, so a job deleted or superseded a moment ago never appears.
 */
public abstract class FollowedIndex {

    protected final Database db;
    /** Jobs that changed while the index was loading: read again once it has. */
    private final Set<UUID> changedWhileLoading = ConcurrentHashMap.newKeySet();
    /** The jobs whose chunks the index holds, as read once they were completed. */
    private final Set<UUID> held = ConcurrentHashMap.newKeySet();
    private volatile boolean loading = true;
    private volatile boolean loaded;

    protected FollowedIndex(Database db) {
        this.db = db;
    }

    /** Whether it has loaded (until then search uses the database alone, or says it cannot). */
    public final boolean loaded() {
        return loaded;
    }

    /** Loads every searchable chunk (start-up, in the background). */
    public final void loadAll() {
        long started = System.nanoTime();
        // in a transaction: PostgreSQL streams the rows (fetch size) only there
        db.readTransaction(c -> {
            load(c, null);
            return null;
        });
        changed();
        loading = false;
        for (UUID job : List.copyOf(changedWhileLoading)) {
            jobChanged(job);
        }
        changedWhileLoading.clear();
        settle();
        loaded = true;
        loadedIn((System.nanoTime() - started) / 1_000_000);
    }

    /** A job's state changed (completed, superseded, deleted): it is read again, or dropped. */
    public final void jobChanged(UUID jobId) {
        if (loading) {
            changedWhileLoading.add(jobId);
        }
        held.remove(jobId);
        remove(jobId);
        db.read(c -> {
            load(c, jobId);
            return null;
        });
        changed();
    }

    /**
     * A job's "completed" event reached this instance: read, unless the index holds it already (completed here and
     * taken in then, or read by the load): a completed job's chunks do not change, and reading them again would index
     * them twice over (for the vectors, every one put in the graph again). At start-up, the events of jobs the load
     * has read are many: every job completed while no instance relayed events.
     */
    public final void jobCompleted(UUID jobId) {
        if (!held.contains(jobId)) {
            jobChanged(jobId);
        }
    }

    /** Within the transaction that completes a job on this instance: taken in before the commit. */
    public final void jobCompleting(Connection c, UUID jobId) throws SQLException {
        if (loading) {
            // the load may read it too: read again once the load is done, to hold it once
            changedWhileLoading.add(jobId);
        }
        load(c, jobId);
        changed();
        db.afterRollback(c, () -> {
            held.remove(jobId);
            remove(jobId);
            changed();
        });
    }

    /** Called by {@link #load} for each job it reads chunks of. */
    protected final void took(UUID jobId) {
        held.add(jobId);
    }

    /** Reads the searchable chunks of one job, or of every job ({@code jobId} null), into the index. */
    protected abstract void load(Connection c, UUID jobId) throws SQLException;

    /** Drops a job from the index. */
    protected abstract void remove(UUID jobId);

    /** After a change, for an index whose readers must be refreshed to see it. */
    protected void changed() {
    }

    /** Makes every change visible now: after the load, so that the first search does not wait for it. */
    protected void settle() {
    }

    /** Says how the start-up load went (a log line). */
    protected abstract void loadedIn(long millis);
}
