package routes.watch;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import routes.db.Database;
import routes.db.Dialect;
import routes.job.JobStore;

/**
 * Mirror mode (table {@code watch_mirror}): which job holds each key's current content. A changed object's new job
 * has the object's URI as its document key, so it supersedes the previous one when it completes, as any job with a
 * key does; a key missing from two complete listings in a row has its jobs retired (deleted). Only a complete, successful listing counts: a failed one changes nothing.
 */
public final class WatchMirror {

    /** The key's current content as the service has it. */
    public record Current(String etag, UUID jobId, int missingListings) {
    }

    /** Listings in a row that must miss a key before its jobs are retired. */
    static final int MISSING_BEFORE_RETIRE = 2;

    private final Database db;
    private final JobStore jobs;
    private final WatchLedger ledger;

    public WatchMirror(Database db, JobStore jobs, WatchLedger ledger) {
        this.db = db;
        this.jobs = jobs;
        this.ledger = ledger;
    }

    /** The mirrored keys under a prefix. */
    public Map<String, Current> under(String bucket, String prefix) {
        Map<String, Current> keys = new HashMap<>();
        db.read(c -> db.query(c, "SELECT object_key, etag, job_id, missing_listings FROM watch_mirror"
                + " WHERE bucket = ? AND substr(object_key, 1, ?) = ?", rs -> {
                    keys.put(rs.getString("object_key"), new Current(rs.getString("etag"),
                            db.dialect().uuid(rs, "job_id"), rs.getInt("missing_listings")));
                    return null;
                }, bucket, prefix.length(), prefix));
        return keys;
    }

    /** In the transaction that creates a key's new job: it now holds the key's content. */
    public void record(Connection c, WatchedObject o, UUID jobId) throws SQLException {
        Instant now = Dialect.now();
        db.update(c, "INSERT INTO watch_mirror (bucket, object_key, etag, job_id, missing_listings, updated_at)"
                + " VALUES (?, ?, ?, ?, 0, ?) ON CONFLICT (bucket, object_key) DO UPDATE SET etag = excluded.etag,"
                + " job_id = excluded.job_id, missing_listings = 0, updated_at = excluded.updated_at",
                o.bucket(), o.key(), o.etag(), jobId, now);
    }

    /**
     * After a complete listing of {@code prefix}: keys seen again count from zero, keys missing count one more, and
     * a key missing {@value #MISSING_BEFORE_RETIRE} times has every job of its object retired (and its ledger rows
     * forgotten, so that the object dropped again is a new job). Returns how many keys were retired.
     */
    public int sync(String bucket, Map<String, Current> mirrored, Set<String> listed) {
        int retired = 0;
        for (Map.Entry<String, Current> e : mirrored.entrySet()) {
            String key = e.getKey();
            if (listed.contains(key)) {
                if (e.getValue().missingListings() > 0) {
                    db.inTransaction(c -> db.update(c, "UPDATE watch_mirror SET missing_listings = 0 WHERE bucket = ?"
                            + " AND object_key = ?", bucket, key));
                }
                continue;
            }
            int missing = e.getValue().missingListings() + 1;
            if (missing < MISSING_BEFORE_RETIRE) {
                db.inTransaction(c -> db.update(c, "UPDATE watch_mirror SET missing_listings = ? WHERE bucket = ?"
                        + " AND object_key = ?", missing, bucket, key));
                continue;
            }
            String uri = "s3://" + bucket + "/" + key;
            db.inTransaction(c -> {
                List<UUID> ids = db.query(c, "SELECT id FROM ingest_jobs WHERE source_path = ? AND deleted_at IS NULL",
                        rs -> db.dialect().uuid(rs, "id"), uri);
                for (UUID id : ids) {
                    jobs.retire(c, id);
                }
                ledger.forget(c, bucket, key);
                return db.update(c, "DELETE FROM watch_mirror WHERE bucket = ? AND object_key = ?", bucket, key);
            });
            retired++;
        }
        return retired;
    }
}
