package routes.project;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonProperty;
import routes.db.Database;
import routes.db.Dialect;
import routes.storage.Sha256;

/**
 * The API keys of projects. A key is 32 random bytes (base64url, prefixed {@code cik_}); only its SHA-256 is
 * stored, so the key itself is shown once, when it is made. A project may have several (rotation: make the new
 * one, move clients, revoke the old one); a revoked key opens nothing.
 */
public final class ProjectKeys {

    /** A key as listed: never the key itself. */
    public record Key(@JsonProperty("id") UUID id, @JsonProperty("prefix") String prefix,
            @JsonProperty("created_at") Instant createdAt, @JsonProperty("revoked_at") Instant revokedAt) {
    }

    /** A key just made: the one time its secret is known. */
    public record NewKey(@JsonProperty("id") UUID id, @JsonProperty("key") String key,
            @JsonProperty("prefix") String prefix, @JsonProperty("created_at") Instant createdAt) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Database db;

    public ProjectKeys(Database db) {
        this.db = db;
    }

    public NewKey create(UUID projectId) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String key = "cik_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        NewKey created = new NewKey(UUID.randomUUID(), key, key.substring(0, 12), Dialect.now());
        db.inTransaction(c -> db.update(c, "INSERT INTO project_keys (id, project_id, key_hash, key_prefix, created_at)"
                + " VALUES (?, ?, ?, ?, ?)", created.id(), projectId, hash(key), created.prefix(), created.createdAt()));
        return created;
    }

    public List<Key> list(UUID projectId) {
        return db.read(c -> db.query(c, "SELECT id, key_prefix, created_at, revoked_at FROM project_keys"
                + " WHERE project_id = ? ORDER BY created_at, id", this::map, projectId));
    }

    /** Revokes one of the project's keys; false when the project has no such key (or it was revoked already). */
    public boolean revoke(UUID projectId, UUID keyId) {
        return db.inTransaction(c -> db.update(c, "UPDATE project_keys SET revoked_at = ? WHERE id = ? AND project_id = ?"
                + " AND revoked_at IS NULL", Dialect.now(), keyId, projectId)) == 1;
    }

    /** The project a presented key opens, if it is a live key of one. */
    public Optional<UUID> projectOf(String presented) {
        if (presented == null || !presented.startsWith("cik_") || presented.length() > 100) {
            return Optional.empty();
        }
        return db.read(c -> db.queryOne(c, "SELECT project_id FROM project_keys WHERE key_hash = ? AND revoked_at IS NULL",
                rs -> db.dialect().uuid(rs, "project_id"), hash(presented)));
    }

    private static String hash(String key) {
        return Sha256.of(key.getBytes(StandardCharsets.UTF_8));
    }

    private Key map(ResultSet rs) throws SQLException {
        Dialect d = db.dialect();
        return new Key(d.uuid(rs, "id"), rs.getString("key_prefix"), d.instant(rs, "created_at"),
                d.instant(rs, "revoked_at"));
    }
}
