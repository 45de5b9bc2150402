package routes.config;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import routes.search.KeywordIndex;
import routes.search.VectorSearch;

/**
 * Search in /observe/health: where it serves search, ready once vector search can answer (the embedding model and
 * the vector index load beside the routes at start-up, and the service answers meanwhile); with the model, where
 * vectors are searched and how many chunk texts still wait for a vector.
 */
final class SearchHealthCheck extends AbstractHealthCheck {

    private final VectorSearch vectors;
    private final KeywordIndex keywords;
    private final java.util.function.LongSupplier pending;

    /**
     * @param vectors  null when embedding is off
     * @param keywords null when keyword search uses the database's own index alone
     */
    SearchHealthCheck(VectorSearch vectors, KeywordIndex keywords, java.util.function.LongSupplier pending) {
        super("cortex", "search");
        this.vectors = vectors;
        this.keywords = keywords;
        this.pending = pending;
    }

    private String keywords() {
        if (keywords == null) {
            return "the database's full-text index";
        }
        return keywords.loaded() ? "in memory, " + keywords.chunks() + " chunks"
                : "loading into memory; the database's full-text index answers meanwhile";
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        String keywords = keywords();
        String keywordsAt = "keywords: " + keywords;
        builder.detail("keywords", keywords);
        if (vectors == null) {
            builder.message("keyword search only: embedding is off (CORTEX_EMBED_ENABLED=false); " + keywordsAt).up();
            return;
        }
        builder.detail("vectors", vectors.description());
        builder.detail("chunks_waiting_for_a_vector", pending.getAsLong());
        String unavailable = vectors.unavailable();
        if (unavailable == null) {
            builder.message("vector search ready: " + vectors.description() + "; " + pending.getAsLong()
                    + " chunk text(s) waiting for a vector; " + keywordsAt).up();
        } else {
            builder.message("vector search not ready: " + unavailable + "; " + keywordsAt).down();
        }
    }
}
