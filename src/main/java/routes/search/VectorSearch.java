package routes.search;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

/**
 * Vector search: the query embedded by the process's model (with the model's query instruction), then the nearest
 * chunks, by an HNSW graph: pgvector's where the database has it, else Lucene's over the vectors in memory.
 */
public final class VectorSearch {

    private final Embedder embedder;
    private final VectorIndex index;
    private final PgVector pgVector;
    private final EmbeddingStore store;
    private final int breadth;

    /** @param breadth how many candidates a graph search keeps, as a multiple of those asked for */
    public VectorSearch(Embedder embedder, VectorIndex index, PgVector pgVector, EmbeddingStore store, int breadth) {
        this.embedder = embedder;
        this.index = index;
        this.pgVector = pgVector;
        this.store = store;
        this.breadth = breadth;
    }

    /** Why vector search cannot answer now (the model or the index still loading), or null when it can. */
    public String unavailable() {
        if (!embedder.ready()) {
            return "the embedding model " + embedder.model().id() + " is still loading";
        }
        if (!pgVector.enabled() && !index.loaded()) {
            return "the vector index is still loading";
        }
        return null;
    }

    /** Whether vector search answers now (readiness and the health details say so). */
    public boolean ready() {
        return unavailable() == null;
    }

    public String description() {
        return embedder.model().id() + ", " + pgVector.description();
    }

    List<VectorIndex.Hit> nearest(UUID projectId, String query, SearchFilters filters, int n) {
        float[] q = embedder.embedQuery(query);
        return pgVector.enabled() ? pgVector.nearest(projectId, q, embedder.model(), filters, n, breadth)
                : index.nearest(projectId, q, filters, n, breadth);
    }

    long pendingIn(Connection c, UUID projectId) throws SQLException {
        return store.pendingIn(c, projectId, embedder.model());
    }
}
