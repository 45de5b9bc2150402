package routes.search;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import routes.db.Database;
import routes.db.Dialect;

/**
 * pgvector, where the PostgreSQL server has it: every vector is also kept as a {@code vector} under an HNSW index
 * (cosine distance) per model, and vector search is the database's. Where the extension is not installed (or on
 * SQLite) the service searches its own copy of the vectors in memory ({@link VectorIndex}); start-up says which.
 */
public final class PgVector {

    private static final Logger LOG = LoggerFactory.getLogger(PgVector.class);

    private final Database db;
    private volatile boolean enabled;
    private String version;

    public PgVector(Database db) {
        this.db = db;
    }

    /**
     * On PostgreSQL with the extension available: creates it (if this user may), the vector column and one HNSW
     * index per model. Returns whether vector search runs in the database.
     */
    public boolean setUp(List<EmbeddingModels> models) {
        if (db.dialect() != Dialect.POSTGRESQL) {
            return false;
        }
        try {
            boolean available = db.read(c -> db.queryOne(c, "SELECT 1 FROM pg_available_extensions WHERE name = 'vector'",
                    rs -> rs.getInt(1)).isPresent());
            if (!available) {
                LOG.info("pgvector is not installed on this PostgreSQL: vector search runs in memory, over the vectors"
                        + " the database keeps");
                return false;
            }
            db.inTransaction(c -> {
                db.update(c, "CREATE EXTENSION IF NOT EXISTS vector");
                db.update(c, "ALTER TABLE chunk_embeddings ADD COLUMN IF NOT EXISTS embedding vector");
                for (EmbeddingModels m : models) {
                    db.update(c, "CREATE INDEX IF NOT EXISTS " + indexName(m) + " ON chunk_embeddings USING hnsw"
                            + " ((embedding::vector(" + m.dimensions() + ")) vector_cosine_ops) WHERE model = '"
                            + m.id() + "'");
                }
                return null;
            });
            version = db.read(c -> db.queryOne(c, "SELECT extversion FROM pg_extension WHERE extname = 'vector'",
                    rs -> rs.getString(1)).orElse("?"));
            enabled = true;
            LOG.info("pgvector {}: vector search runs in PostgreSQL (HNSW, cosine)", version);
            return true;
        } catch (RuntimeException e) {
            LOG.warn("pgvector is installed but cannot be used ({}): vector search runs in memory", e.getMessage());
            return false;
        }
    }

    public boolean enabled() {
        return enabled;
    }

    /** For the health details: where vector search runs. */
    public String description() {
        return enabled ? "pgvector " + version + " (HNSW)" : "in memory (Lucene HNSW)";
    }

    private static String indexName(EmbeddingModels m) {
        return "chunk_embeddings_hnsw_" + m.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** In the transaction that saves vectors: their copy in the vector column. */
    void copy(Connection c, Map<String, float[]> vectors, EmbeddingModels model) throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        vectors.forEach((sha, v) -> rows.add(new Object[] {Vectors.literal(v), sha, model.id()}));
        db.updateBatch(c, "UPDATE chunk_embeddings SET embedding = CAST(? AS vector) WHERE content_sha256 = ?"
                + " AND model = ? AND embedding IS NULL", rows);
    }

    /** Vectors saved before pgvector was set up (or by an instance without it), copied to the vector column. */
    public int copyMissing(EmbeddingModels model, int limit) {
        List<Object[]> rows = db.read(c -> db.query(c, "SELECT content_sha256, vector FROM chunk_embeddings"
                + " WHERE model = ? AND embedding IS NULL LIMIT ?", rs -> new Object[] {
                    Vectors.literal(Vectors.floats(rs.getBytes(2))), rs.getString(1), model.id()}, model.id(), limit));
        if (!rows.isEmpty()) {
            db.inTransaction(c -> {
                db.updateBatch(c, "UPDATE chunk_embeddings SET embedding = CAST(? AS vector) WHERE content_sha256 = ?"
                        + " AND model = ?", rows);
                return null;
            });
        }
        return rows.size();
    }

    /**
     * The nearest chunks of a project, by the HNSW index, with their cosine similarity; the graph search keeps
     * {@code breadth} times {@code n} candidates (ef_search, 40 to 1,000).
     */
    List<VectorIndex.Hit> nearest(UUID projectId, float[] query, EmbeddingModels model, SearchFilters filters, int n,
            int breadth) {
        List<Object> params = new ArrayList<>();
        String cast = "::vector(" + model.dimensions() + ")";
        String literal = Vectors.literal(query);
        params.add(literal);
        params.add(model.id());
        params.add(projectId);
        String where = filters.sql(params);
        params.add(literal);
        params.add(n);
        return db.readTransaction(c -> {
            // filters are applied after the index: the scan goes on until enough rows pass them (pgvector 0.8)
            db.update(c, "SET LOCAL hnsw.iterative_scan = relaxed_order");
            db.update(c, "SET LOCAL hnsw.ef_search = " + Math.max(40, Math.min(1000, n * breadth)));
            return db.query(c, "SELECT c.id, 1 - (e.embedding" + cast + " <=> CAST(? AS vector)" + cast + ") AS score"
                    + " FROM chunk_embeddings e JOIN document_chunks c ON c.content_sha256 = e.content_sha256"
                    + " JOIN documents d ON d.id = c.document_id JOIN ingest_jobs j ON j.id = d.job_id"
                    + " WHERE e.model = ? AND j.project_id = ? AND " + Searchable.CHUNK + where
                    + " ORDER BY e.embedding" + cast + " <=> CAST(? AS vector)" + cast + " LIMIT ?",
                    rs -> new VectorIndex.Hit(db.dialect().uuid(rs, "id"), (float) rs.getDouble("score")),
                    params.toArray());
        });
    }
}
