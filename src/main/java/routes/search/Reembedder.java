package routes.search;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives vectors of the current model to the chunk texts that have none: after a change of model (the stored
 * vectors were made with another), or chunks stored while embedding was off. In the background, a page of texts at
 * a time (route search-reembed), so it is resumable by nature: what is done stays done, a restart goes on with what
 * is left. The in-memory index (or pgvector's column) learns each page's vectors as they are saved.
 */
public final class Reembedder {

    private static final Logger LOG = LoggerFactory.getLogger(Reembedder.class);

    private final Embedder embedder;
    private final EmbeddingStore store;
    private final VectorIndex index;
    private final PgVector pgVector;
    private final int page;
    private final long budgetNanos;
    private long total;

    /** @param budgetMillis how long one run may go on (a backlog is worked off over several runs) */
    public Reembedder(Embedder embedder, EmbeddingStore store, VectorIndex index, PgVector pgVector, int page,
            long budgetMillis) {
        this.embedder = embedder;
        this.store = store;
        this.index = index;
        this.pgVector = pgVector;
        this.page = page;
        this.budgetNanos = budgetMillis * 1_000_000L;
    }

    /** One run: pages of texts without a vector, until none is left or the run's time is up. Returns how many. */
    public synchronized int run() {
        if (!embedder.ready()) {
            return 0;
        }
        long deadline = System.nanoTime() + budgetNanos;
        int done = 0;
        while (System.nanoTime() < deadline) {
            int copied = pgVector.enabled() ? pgVector.copyMissing(embedder.model(), page) : 0;
            List<EmbeddingStore.Missing> missing = store.missing(embedder.model(), page);
            if (missing.isEmpty() && copied == 0) {
                break;
            }
            if (!missing.isEmpty()) {
                List<float[]> vectors = embedder.embed(this, missing.stream().map(EmbeddingStore.Missing::text).toList(),
                        () -> { });
                Map<String, float[]> bySha = new LinkedHashMap<>();
                for (int i = 0; i < missing.size(); i++) {
                    bySha.put(missing.get(i).sha256(), vectors.get(i));
                }
                store.save(bySha, embedder.model());
                if (index != null) {
                    index.textsEmbedded(bySha.keySet());
                }
                done += missing.size();
            }
        }
        if (done > 0) {
            total += done;
            LOG.info("Re-embedded {} chunk text(s) with {} ({} since start)", done, embedder.model().id(), total);
        }
        return done;
    }
}
