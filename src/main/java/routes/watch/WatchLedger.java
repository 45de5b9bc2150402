package routes.watch;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import routes.db.Database;
import routes.db.Dialect;

/**
 * The shared ledger of watched objects (table {@code watch_ledger}), one row per object version (bucket, key,
 * ETag). A round reads it for the objects it listed, before any of them is read; an object is then claimed with an
 * insert that only one instance can win, or taken over when the claim's lease ran out (its instance died). The row
 * becomes accepted in the transaction that creates the object's job, so the job and the ledger commit together.
 */
public final class WatchLedger {

    /** The state of a listed object's version in the ledger. */
    public enum State { CLAIMED, ACCEPTED, REJECTED }

    /**
     * A ledger row as a round sees it: {@code objectModified} the listed Last-Modified of the version it judged (null
     * in rows written before it was kept); {@code jobEnded} whether the job it became failed, was cancelled or was
     * deleted.
     */
    public record Entry(State state, Instant leaseUntil, String reason, Instant objectModified, boolean jobEnded) {

        /**
         * Whether the listed object is a new drop of the same bytes that deserves a fresh judgement: put again after
         * it was rejected (its Content-Type fixed, say), or after its job failed or went. A re-drop of a file whose
         * job stands is a duplicate, as before.
         */
        boolean judgedAfresh(WatchedObject listed) {
            boolean redropped = objectModified != null && listed.lastModified() != null
                    && listed.lastModified().isAfter(objectModified);
            return redropped && (state == State.REJECTED || (state == State.ACCEPTED && jobEnded));
        }
    }

    private static final int BATCH = 200;
    private final Database db;

    public WatchLedger(Database db) {
        this.db = db;
    }

    /** The ledger rows of the listed objects, by key and ETag: read in batches, never the whole ledger. */
    public Map<String, Entry> entries(String bucket, List<WatchedObject> listed) {
        Map<String, Entry> entries = new HashMap<>();
        for (int from = 0; from < listed.size(); from += BATCH) {
            List<WatchedObject> batch = listed.subList(from, Math.min(listed.size(), from + BATCH));
            List<Object> params = new ArrayList<>();
            params.add(bucket);
            StringBuilder in = new StringBuilder();
            for (WatchedObject o : batch) {
                in.append(in.length() == 0 ? "?" : ", ?");
                params.add(o.key());
            }
            db.read(c -> db.query(c, "SELECT l.object_key, l.etag, l.state, l.lease_until, l.reason, l.object_modified,"
                    + " j.status AS job_status, j.deleted_at AS job_deleted_at FROM watch_ledger l"
                    + " LEFT JOIN ingest_jobs j ON j.id = l.job_id WHERE l.bucket = ?"
                    + " AND l.version_id = '' AND l.object_key IN (" + in + ")", rs -> {
                        String jobStatus = rs.getString("job_status");
                        boolean jobEnded = rs.getString("job_deleted_at") != null
                                || "failed".equals(jobStatus) || "cancelled".equals(jobStatus);
                        entries.put(id(rs.getString("object_key"), rs.getString("etag")), new Entry(
                                State.valueOf(rs.getString("state").toUpperCase(java.util.Locale.ROOT)),
                                db.dialect().instant(rs, "lease_until"), rs.getString("reason"),
                                db.dialect().instant(rs, "object_modified"), jobEnded));
                        return null;
                    }, params.toArray()));
        }
        return entries;
    }

    static String id(String key, String etag) {
        return key + "\n" + etag;
    }

    /**
     * Claims an object version for {@code owner}: a new row (one of several racing instances inserts it), or a claim
     * whose lease ran out. True when this owner holds the claim now.
     */
    public boolean claim(WatchedObject o, String owner, Duration lease) {
        Instant now = Dialect.now();
        // leases by the database's clock, the one all instances share
        String until = db.dialect().clockPlusMillis();
        return db.inTransaction(c -> {
            int inserted = db.update(c, "INSERT INTO watch_ledger (bucket, object_key, etag, version_id, state, owner,"
                    + " lease_until, created_at, updated_at, object_modified) VALUES (?, ?, ?, '', 'claimed', ?, " + until
                    + ", ?, ?, ?) ON CONFLICT DO NOTHING", o.bucket(), o.key(), o.etag(), owner, lease.toMillis(), now,
                    now, modified(o));
            if (inserted == 1) {
                return true;
            }
            return db.update(c, "UPDATE watch_ledger SET owner = ?, lease_until = " + until + ", updated_at = ? WHERE bucket = ?"
                    + " AND object_key = ? AND etag = ? AND version_id = '' AND state = 'claimed' AND lease_until < "
                    + db.dialect().clock(), owner, lease.toMillis(), now, o.bucket(), o.key(), o.etag()) == 1;
        });
    }

    /**
     * In the transaction that creates the object's job: the claim becomes accepted. Throws when this owner no longer
     * holds the claim (it ran out and another instance took it), which rolls the job back.
     */
    public void accept(Connection c, WatchedObject o, String owner, UUID jobId) throws SQLException {
        int n = db.update(c, "UPDATE watch_ledger SET state = 'accepted', job_id = ?, owner = NULL, lease_until = NULL,"
                + " updated_at = ? WHERE bucket = ? AND object_key = ? AND etag = ? AND version_id = ''"
                + " AND state = 'claimed' AND owner = ?", jobId, Dialect.now(), o.bucket(), o.key(), o.etag(), owner);
        if (n != 1) {
            throw new IllegalStateException("the claim of " + o.uri() + " ran out before its job was created");
        }
    }

    /**
     * A judged version put again ({@link Entry#judgedAfresh}): its row goes, so that the drop is claimed like a new
     * object. Only the row judged before that drop goes: of racing instances, one removes it and one claims anew.
     */
    public void reopen(WatchedObject o) {
        db.inTransaction(c -> db.update(c, "DELETE FROM watch_ledger WHERE bucket = ? AND object_key = ? AND etag = ?"
                + " AND version_id = '' AND state IN ('rejected', 'accepted') AND object_modified < ?",
                o.bucket(), o.key(), o.etag(), modified(o)));
    }

    /** The listed Last-Modified, as precise as the database keeps it. */
    private static Instant modified(WatchedObject o) {
        return o.lastModified() == null ? null : o.lastModified().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }

    /** The object broke a rule: no job, and no other instance tries it again. */
    public void reject(WatchedObject o, String owner, String reason) {
        db.inTransaction(c -> db.update(c, "UPDATE watch_ledger SET state = 'rejected', reason = ?, owner = NULL,"
                + " lease_until = NULL, updated_at = ? WHERE bucket = ? AND object_key = ? AND etag = ?"
                + " AND version_id = '' AND state = 'claimed' AND owner = ?", reason, Dialect.now(), o.bucket(), o.key(),
                o.etag(), owner));
    }

    /** Gives a claim up (the read failed for a passing reason): a later round claims the object again. */
    public void release(WatchedObject o, String owner) {
        db.inTransaction(c -> db.update(c, "DELETE FROM watch_ledger WHERE bucket = ? AND object_key = ? AND etag = ?"
                + " AND version_id = '' AND state = 'claimed' AND owner = ?", o.bucket(), o.key(), o.etag(), owner));
    }

    /** Mirror mode: a removed key's versions are forgotten, so the same content dropped again is a new job. */
    public void forget(Connection c, String bucket, String key) throws SQLException {
        db.update(c, "DELETE FROM watch_ledger WHERE bucket = ? AND object_key = ?", bucket, key);
    }
}
