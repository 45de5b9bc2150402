package routes.search;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import routes.db.Database;

/**
 * The vectors of every searchable chunk, in memory, in Lucene's HNSW graph (its defaults: 16 neighbours, a beam of
 * 100), for the nearest chunks of a project without comparing the query with every vector: at 100,000 vectors an
 * exact scan took 17-23 ms a query on this machine, the graph 3 ms keeping 300 candidates, finding 0.98 of the exact
 * top 10 (docs/benchmarks.md, VectorIndexChoiceBench). Its price is the build, 1.4 ms of one core per vector. Where
 * the filters leave fewer chunks than the graph would visit, Lucene compares the query with each of them (exact). It
 * follows the database as {@link FollowedIndex} says.
 */
public final class VectorIndex extends LuceneIndex {

    private static final Logger LOG = LoggerFactory.getLogger(VectorIndex.class);
    private static final String FIELD = "vector";

    /** A chunk and its similarity to the query. */
    public record Hit(UUID chunkId, float score) {
    }

    private final EmbeddingModels model;

    public VectorIndex(Database db, EmbeddingModels model) {
        // a large buffer: each flush makes a segment, each segment its own graph, and a query searches every graph
        super(db, new IndexWriterConfig().setRAMBufferSizeMB(256));
        this.model = model;
    }

    /** Vectors held, for the metrics. */
    public long vectors() {
        return held();
    }

    @Override
    protected void loadedIn(long millis) {
        LOG.info("Vector index loaded: {} vectors of {} in {} ms", vectors(), model.id(), millis);
    }

    /** Texts got vectors (re-embedding after a change of model): the jobs that hold them are read again. */
    public void textsEmbedded(Collection<String> sha256s) {
        if (sha256s.isEmpty()) {
            return;
        }
        String marks = Database.marks(sha256s.size());
        List<UUID> jobs = db.read(c -> db.query(c, "SELECT DISTINCT d.job_id FROM document_chunks c JOIN documents d"
                + " ON d.id = c.document_id WHERE c.content_sha256 IN (" + marks + ")",
                rs -> db.dialect().uuid(rs, "job_id"), sha256s.toArray()));
        jobs.forEach(this::jobChanged);
    }

    /** Reads the searchable vectors of one job, or of all ({@code jobId} null). */
    @Override
    protected void load(Connection c, UUID jobId) throws SQLException {
        String sql = "SELECT " + ChunkFields.COLUMNS + ", e.vector FROM document_chunks c JOIN documents d"
                + " ON d.id = c.document_id JOIN ingest_jobs j ON j.id = d.job_id JOIN chunk_embeddings e"
                + " ON e.content_sha256 = c.content_sha256 AND e.model = ? WHERE " + Searchable.CHUNK
                + (jobId == null ? "" : " AND j.id = ?");
        try (var ps = c.prepareStatement(sql)) {
            db.dialect().bind(ps, 1, model.id());
            if (jobId != null) {
                db.dialect().bind(ps, 2, jobId);
            }
            ps.setFetchSize(1000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Document doc = ChunkFields.document(db.dialect(), rs);
                    took(db.dialect().uuid(rs, "job_id"));
                    // the models make unit vectors: their dot product is their cosine
                    doc.add(new KnnFloatVectorField(FIELD, Vectors.floats(rs.getBytes("vector")),
                            VectorSimilarityFunction.DOT_PRODUCT));
                    writer.addDocument(doc);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The {@code n} chunks of the project most similar to {@code query} that pass the filters, best first, of the
     * {@code breadth} times {@code n} the graph search keeps (a graph search that keeps only {@code n} misses one in
     * ten of the exact top 10 at 100,000 vectors).
     */
    public List<Hit> nearest(UUID projectId, float[] query, SearchFilters filters, int n, int breadth) {
        // Lucene scores a dot product d as (1 + d) / 2; the answer gives the cosine itself, as pgvector's search does
        return search(new KnnFloatVectorQuery(FIELD, query, n * breadth, ChunkFields.filter(projectId, filters)), n,
                (chunk, score) -> new Hit(chunk, 2 * score - 1));
    }
}
