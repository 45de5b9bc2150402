package routes.job;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import routes.failure.InvalidRequest;
import routes.failure.Conflict;
import routes.db.Database;
import routes.db.Dialect;

/**
 * Idempotency-Key of the creating routes. A key is remembered in the transaction that creates its job, so a key never
 * names a job that does not exist; the primary key (project, key) lets only one of two racing requests win.
 */
public final class IdempotencyKeys {

    /** A key and the fingerprint of the request that came with it. */
    public record Key(String key, String fingerprint) {
    }

    static final int MAX_KEY = 255;

    private final Database db;

    public IdempotencyKeys(Database db) {
        this.db = db;
    }

    public static Key of(String header, String fingerprint) {
        if (header == null) {
            return null;
        }
        if (header.isBlank() || header.codePoints().anyMatch(Character::isISOControl)) {
            throw new InvalidRequest("Idempotency-Key must be visible characters (a UUID, say), not blank");
        }
        if (header.length() > MAX_KEY) {
            throw new InvalidRequest("Idempotency-Key must be at most " + MAX_KEY + " characters");
        }
        return new Key(header, fingerprint);
    }

    /** The job an earlier request with this key created; 409 when that request was a different one. */
    public Optional<UUID> replay(UUID projectId, Key key) {
        return db.read(c -> db.queryOne(c, "SELECT fingerprint, job_id FROM idempotency_keys WHERE project_id = ? AND key = ?",
                rs -> {
                    if (!rs.getString("fingerprint").equals(key.fingerprint())) {
                        throw new Conflict("Idempotency-Key '" + key.key()
                                + "' was already used with a different request");
                    }
                    return db.dialect().uuid(rs, "job_id");
                }, projectId, key.key()));
    }

    void remember(Connection c, UUID projectId, Key key, UUID jobId) throws SQLException {
        db.update(c, "INSERT INTO idempotency_keys (project_id, key, fingerprint, job_id, created_at) VALUES (?, ?, ?, ?, ?)",
                projectId, key.key(), key.fingerprint(), jobId, Dialect.now());
    }

    /** Forgets keys older than the retention (at least 24 hours by default). */
    public int purge(int retentionHours) {
        return db.inTransaction(c -> db.update(c, "DELETE FROM idempotency_keys WHERE created_at < ?",
                Dialect.now().minus(Duration.ofHours(retentionHours))));
    }
}
