package routes.config;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;
import routes.api.SearchApi;
import routes.db.Database;
import routes.health.Probes;
import routes.job.JobStore;
import routes.metrics.ServiceMetrics;
import routes.project.ProjectStore;
import routes.search.Embedder;
import routes.search.EmbeddingModels;
import routes.search.EmbeddingStore;
import routes.search.FollowedIndex;
import routes.search.KeywordIndex;
import routes.search.PgVector;
import routes.search.Reembedder;
import routes.search.SearchService;
import routes.search.VectorIndex;
import routes.search.VectorSearch;
import routes.stream.StreamHub;

/**
 * Retrieval: the embedding model (loaded in the background as the service starts, one per process), where vectors
 * are kept and searched (pgvector when PostgreSQL has it, else in memory, following the jobs' changes), the search
 * the API serves, the background re-embedding, its health check and meters. With CORTEX_EMBED_ENABLED=false there
 * is no model: no vectors, keyword search only.
 */
final class SearchConfiguration {

    /** What the worker's embed stage needs: the model (null when embedding is off) and the vectors' store. */
    record Embedding(Embedder embedder, EmbeddingStore store, int batch) {
    }

    private SearchConfiguration() {
    }

    static Embedding bind(CamelContext context, Settings settings, Database db, Probes probes, ServiceMetrics metrics,
            ProjectStore projects, JobStore jobs, ObjectMapper json, StreamHub hub, boolean servesSearch) throws Exception {
        Registry registry = context.getRegistry();
        boolean enabled = Boolean.parseBoolean(settings.string("cortex.embed.enabled"));
        EmbeddingModels model = EmbeddingModels.byId(settings.string("cortex.embed.model"));
        PgVector pgVector = new PgVector(db);
        if (enabled) {
            pgVector.setUp(List.of(EmbeddingModels.values()));
        }
        EmbeddingStore store = new EmbeddingStore(db, pgVector);
        AtomicLong pending = new AtomicLong();
        Embedder embedder = null;
        VectorSearch vectors = null;
        if (enabled) {
            embedder = new Embedder(model, settings.positiveInt("cortex.embed.threads"),
                    settings.positiveInt("cortex.embed.batch-size"));
            OpenResources.closeWithContext(context, embedder::close);
            embedder.startLoading();
            Embedder model0 = embedder;
            probes.every("embeddings-pending", () -> pending.set(store.pending(model0.model())));
            metrics.gauge("cortex.embeddings.pending", "Chunk texts without a vector of the current model (being"
                    + " re-embedded in the background)", pending::get);
            metrics.counter("cortex.embeddings", "model", model.id(), "Chunk texts embedded by this instance",
                    embedder, e -> e.embedded());
        }
        if (servesSearch) {
            VectorIndex index = null;
            if (enabled && !pgVector.enabled()) {
                index = new VectorIndex(db, model);
                OpenResources.closeWithContext(context, index::close);
                follow(context, jobs, hub, index, "cortex-vector-index");
                metrics.gauge("cortex.vector.index.vectors", "Vectors this instance holds in memory for search",
                        index::vectors);
            }
            KeywordIndex keywordIndex = null;
            if (Boolean.parseBoolean(settings.string("cortex.search.keywords-in-memory"))) {
                keywordIndex = new KeywordIndex(db);
                OpenResources.closeWithContext(context, keywordIndex::close);
                follow(context, jobs, hub, keywordIndex, "cortex-keyword-index");
                metrics.gauge("cortex.keyword.index.chunks", "Chunks whose words this instance holds in memory for"
                        + " search", keywordIndex::chunks);
            }
            if (enabled) {
                vectors = new VectorSearch(embedder, index, pgVector, store,
                        settings.positiveInt("cortex.search.vector-breadth"));
                registry.bind("reembedder", new Reembedder(embedder, store, index, pgVector,
                        settings.positiveInt("cortex.embed.batch-size") * 8,
                        settings.positiveInt("cortex.embed.reembed-budget-ms")));
            }
            SearchService search = new SearchService(db, keywordIndex, vectors, settings.positiveInt("cortex.search.rrf-k"),
                    settings.positiveInt("cortex.search.candidates"), pending::get, halves(context));
            registry.bind("searchApi", new SearchApi(projects, search, json));
            registry.bind("searchHealthCheck", new SearchHealthCheck(vectors, keywordIndex, pending::get));
        }
        return new Embedding(embedder, store, settings.positiveInt("cortex.embed.batch-size"));
    }

    /**
     * Threads for the keyword halves of hybrid searches, one per core: a search waits for its half, so no more run at
     * once than searches do, and past the cores more threads would only queue on them.
     */
    private static ExecutorService halves(CamelContext context) throws Exception {
        AtomicLong n = new AtomicLong();
        ExecutorService halves = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(), r -> {
            Thread t = new Thread(r, "cortex-search-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        OpenResources.closeWithContext(context, halves::shutdownNow);
        return halves;
    }

    /**
     * An index in memory follows the jobs: a job completed here is in it before its commit; every change (completed
     * elsewhere, superseded, deleted) as its event reaches this instance, on a thread of the index's own (off the
     * fan-out's); and it loads at start-up on that thread.
     */
    private static void follow(CamelContext context, JobStore jobs, StreamHub hub, FollowedIndex index, String thread)
            throws Exception {
        ExecutorService updates = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, thread);
            t.setDaemon(true);
            return t;
        });
        OpenResources.closeWithContext(context, updates::shutdownNow);
        jobs.whenCompleting(index::jobCompleting);
        hub.listen((job, status) -> {
            if ("completed".equals(status)) {
                updates.execute(() -> index.jobCompleted(job));
            }
        });
        context.addStartupListener((ctx, alreadyStarted) -> updates.execute(index::loadAll));
    }
}
