package routes.search;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import routes.db.Database;
import routes.db.Dialect;

/**
 * The vectors (table {@code chunk_embeddings}), one per chunk text and model: keyed by the text's SHA-256, so a
 * chunk whose text is unchanged (a document ingested again, the same paragraph in two documents) reuses its vector
 * and costs no model time, and an attempt that dies halfway and is retried leaves exactly one vector per text. Each
 * row records its model and dimension. With pgvector the vector is also kept in a {@code vector} column under an
 * HNSW index ({@link PgVector}).
 */
public final class EmbeddingStore {

    /** A chunk text still without a vector of the current model. */
    public record Missing(String sha256, String text) {
    }

    private static final int BATCH = 500;

    private final Database db;
    private final PgVector pgVector;

    public EmbeddingStore(Database db, PgVector pgVector) {
        this.db = db;
        this.pgVector = pgVector;
    }

    /** Which of these texts have a vector of {@code model} already. */
    public Set<String> known(Collection<String> sha256s, EmbeddingModels model) {
        Set<String> known = new HashSet<>();
        List<String> all = new ArrayList<>(sha256s);
        for (int from = 0; from < all.size(); from += BATCH) {
            List<String> batch = all.subList(from, Math.min(all.size(), from + BATCH));
            String marks = Database.marks(batch.size());
            List<Object> params = new ArrayList<>(batch);
            params.add(model.id());
            known.addAll(db.read(c -> db.query(c, "SELECT content_sha256 FROM chunk_embeddings WHERE content_sha256 IN ("
                    + marks + ") AND model = ?", rs -> rs.getString(1), params.toArray())));
        }
        return known;
    }

    /** Keeps vectors of {@code model}; a text that has one already keeps it (racing attempts store one). */
    public void save(Map<String, float[]> vectors, EmbeddingModels model) {
        if (vectors.isEmpty()) {
            return;
        }
        List<Object[]> rows = new ArrayList<>();
        java.time.Instant now = Dialect.now();
        vectors.forEach((sha, vector) -> rows.add(new Object[] {sha, model.id(), vector.length, Vectors.bytes(vector),
            now}));
        db.inTransaction(c -> {
            db.updateBatch(c, "INSERT INTO chunk_embeddings (content_sha256, model, dimensions, vector, created_at)"
                    + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (content_sha256, model) DO NOTHING", rows);
            if (pgVector.enabled()) {
                pgVector.copy(c, vectors, model);
            }
            return null;
        });
    }

    /**
     * Texts of stored chunks without a vector of {@code model}: what a change of model, or chunks stored while
     * embedding was off, leave to re-embed. Chunks stored before their texts were hashed get their hash first.
     */
    public List<Missing> missing(EmbeddingModels model, int limit) {
        hashUnhashed(limit);
        return db.read(c -> db.query(c, "SELECT c.content_sha256, MIN(c.content) AS content FROM document_chunks c"
                + " WHERE c.content_sha256 IS NOT NULL AND NOT EXISTS (SELECT 1 FROM chunk_embeddings e"
                + " WHERE e.content_sha256 = c.content_sha256 AND e.model = ?) GROUP BY c.content_sha256 LIMIT ?",
                rs -> new Missing(rs.getString(1), rs.getString(2)), model.id(), limit));
    }

    /**
     * Texts of the chunks an attempt staged (a tree's, stored in batches) without a vector of {@code model}, leaving
     * out {@code except} (texts already handed to the model whose vectors are not saved yet).
     */
    public List<Missing> missingStagedBy(String attempt, EmbeddingModels model, int limit, Set<String> except) {
        List<Object> params = new ArrayList<>(List.of(attempt, model.id()));
        params.addAll(except);
        params.add(limit);
        String notIn = except.isEmpty() ? "" : " AND c.content_sha256 NOT IN ("
                + Database.marks(except.size()) + ")";
        return db.read(c -> db.query(c, "SELECT c.content_sha256, MIN(c.content) AS content FROM document_chunks c"
                + " JOIN documents d ON d.id = c.document_id WHERE d.staged_by = ? AND NOT EXISTS (SELECT 1"
                + " FROM chunk_embeddings e WHERE e.content_sha256 = c.content_sha256 AND e.model = ?)" + notIn
                + " GROUP BY c.content_sha256 LIMIT ?", rs -> new Missing(rs.getString(1), rs.getString(2)),
                params.toArray()));
    }

    /** How many chunk texts have no vector of {@code model} (a gauge; also chunks not hashed yet). */
    public long pending(EmbeddingModels model) {
        return db.read(c -> db.queryOne(c, "SELECT (SELECT COUNT(DISTINCT c.content_sha256) FROM document_chunks c"
                + " WHERE c.content_sha256 IS NOT NULL AND NOT EXISTS (SELECT 1 FROM chunk_embeddings e"
                + " WHERE e.content_sha256 = c.content_sha256 AND e.model = ?))"
                + " + (SELECT COUNT(*) FROM document_chunks WHERE content_sha256 IS NULL)", rs -> rs.getLong(1),
                model.id()).orElse(0L));
    }

    /** The chunks of a project whose text has no vector of {@code model} yet: search says so in its answer. */
    public long pendingIn(Connection c, java.util.UUID projectId, EmbeddingModels model) throws SQLException {
        return db.queryOne(c, "SELECT COUNT(*) FROM document_chunks c JOIN documents d ON d.id = c.document_id"
                + " JOIN ingest_jobs j ON j.id = d.job_id WHERE j.project_id = ? AND " + Searchable.JOB
                + " AND d.staged_by IS NULL AND (c.content_sha256 IS NULL OR NOT EXISTS (SELECT 1 FROM chunk_embeddings e"
                + " WHERE e.content_sha256 = c.content_sha256 AND e.model = ?))", rs -> rs.getLong(1), projectId,
                model.id()).orElse(0L);
    }

    private void hashUnhashed(int limit) {
        List<String[]> rows = db.read(c -> db.query(c, "SELECT id, content FROM document_chunks WHERE content_sha256"
                + " IS NULL LIMIT ?", rs -> new String[] {rs.getString(1), rs.getString(2)}, limit));
        if (rows.isEmpty()) {
            return;
        }
        List<Object[]> updates = new ArrayList<>();
        for (String[] row : rows) {
            updates.add(new Object[] {routes.document.Chunk.sha256(row[1]), java.util.UUID.fromString(row[0])});
        }
        db.inTransaction(c -> {
            db.updateBatch(c, "UPDATE document_chunks SET content_sha256 = ? WHERE id = ?", updates);
            return null;
        });
    }
}
