package routes.config;

import java.nio.file.Path;
import java.time.Duration;

import org.apache.camel.spi.Registry;
import routes.db.Database;
import routes.document.DocumentStore;
import routes.job.JobStore;
import routes.metrics.ServiceMetrics;
import routes.processing.ChunkSplitter;
import routes.processing.ChunkStage;
import routes.processing.DetectStage;
import routes.processing.EmbedStage;
import routes.processing.ExtractStage;
import routes.processing.FaultInjection;
import routes.processing.FetchStage;
import routes.processing.IndexStage;
import routes.processing.JobClaims;
import routes.processing.JobOutcome;
import routes.processing.ParserProcesses;
import routes.processing.StageHook;
import routes.processing.StageProgress;
import routes.processing.StoreStage;
import routes.processing.TextExtractor;
import routes.processing.TreeIndexer;
import routes.processing.VerifyStage;
import routes.source.AddressGuard;
import routes.source.ArchiveUnpacker;
import routes.source.GuardedHttpClient;
import routes.source.HttpFetcher;
import routes.source.RepositoryCloner;
import routes.source.SourceFetcher;
import routes.storage.ObjectStore;
import routes.storage.TypeDetector;

/**
 * The worker's beans, one per step of the job-process route: claims and leases, the stages (sources fetched
 * within the upload limit and timeouts, Tika, archives, trees, chunks, the store), and the outcome of a failed
 * attempt. The cortex.testing.* switches bind a fault-injection hook only when one of them is set.
 */
final class WorkerConfiguration {

    private WorkerConfiguration() {
    }

    static void bind(Registry registry, Settings settings, Database db, JobStore jobs,
            DocumentStore documents, ObjectStore storage, AddressGuard guard, GuardedHttpClient remote, long maxBytes,
            Path tempDir, ServiceMetrics metrics, ParserProcesses parsers, SearchConfiguration.Embedding embedding) {
        Duration lease = Duration.ofSeconds(settings.positiveInt("cortex.worker.lease-seconds"));
        FaultInjection faults = new FaultInjection(settings.nonNegativeInt("cortex.testing.fail-attempts"),
                settings.nonNegativeInt("cortex.testing.stage-delay-ms"),
                settings.nonNegativeInt("cortex.testing.file-delay-ms"),
                settings.optional("cortex.testing.exit-when-name-contains").orElse(""),
                settings.optional("cortex.testing.attempt-log").map(Path::of).orElse(null));
        StageHook hook = metrics;
        if (faults.active()) {
            registry.bind("faultInjection", faults);
            hook = StageHook.both(faults, metrics);
        }
        JobClaims claims = new JobClaims(jobs, lease, 1 + settings.nonNegativeInt("cortex.task.max-retries"), hook);
        registry.bind("jobClaims", claims);
        StageProgress progress = new StageProgress(jobs, lease,
                Duration.ofMillis(settings.nonNegativeInt("cortex.worker.progress-interval-ms")), hook, claims,
                Duration.ofSeconds(settings.positiveInt("cortex.worker.stage-deadline-seconds")));
        Duration connectTimeout = Duration.ofMillis(settings.positiveInt("cortex.fetch.connect-timeout-ms"));
        Duration readTimeout = Duration.ofMillis(settings.positiveInt("cortex.fetch.read-timeout-ms"));
        HttpFetcher http = new HttpFetcher(guard, remote, maxBytes, connectTimeout, readTimeout,
                settings.nonNegativeInt("cortex.fetch.max-redirects"));
        RepositoryCloner cloner = new RepositoryCloner(guard, remote,
                Duration.ofSeconds(settings.positiveInt("cortex.git.clone-timeout-seconds")),
                settings.positiveInt("cortex.git.max-clone-mb") * 1024L * 1024L,
                settings.positiveInt("cortex.index.max-files"));
        TextExtractor extractor = new TextExtractor(extractMaxChars(settings), parsers);
        registry.bind("fetchStage", new FetchStage(progress, new SourceFetcher(storage, http, cloner), tempDir));
        registry.bind("verifyStage", new VerifyStage(progress));
        ArchiveUnpacker unpacker = new ArchiveUnpacker(settings.positiveInt("cortex.index.max-archive-mb") * 1024L * 1024L,
                settings.positiveInt("cortex.index.max-archive-entries"));
        registry.bind("detectStage", new DetectStage(progress, new TypeDetector(), extractor, unpacker, tempDir));
        registry.bind("extractStage", new ExtractStage(progress, extractor));
        registry.bind("indexStage", new IndexStage(progress,
                unpacker,
                new TreeIndexer(settings.positiveInt("cortex.index.max-file-kb") * 1024L,
                        settings.positiveInt("cortex.index.max-files"),
                        settings.positiveInt("cortex.index.max-tree-mb") * 1024L * 1024L), extractor, tempDir,
                chunkSplitter(settings), documents, settings.positiveInt("cortex.index.store-batch-files")));
        registry.bind("chunkStage", new ChunkStage(progress, chunkSplitter(settings)));
        registry.bind("embedStage", new EmbedStage(progress, embedding.embedder(), embedding.store(),
                embedding.batch()));
        registry.bind("storeStage", new StoreStage(progress, db, jobs, documents));
        registry.bind("jobOutcome", new JobOutcome(jobs, storage));
    }

    private static ChunkSplitter chunkSplitter(Settings settings) {
        return new ChunkSplitter(settings.positiveInt("cortex.chunk.size"), settings.nonNegativeInt("cortex.chunk.overlap"));
    }

    /**
     * The most characters one document may yield: as set, else the upload limit in bytes, so that every text file the
     * service accepts can be extracted (a text has at most as many characters as bytes).
     */
    static int extractMaxChars(Settings settings) {
        if (settings.optional("cortex.extract.max-chars").isPresent()) {
            return settings.positiveInt("cortex.extract.max-chars");
        }
        return (int) Math.min(Integer.MAX_VALUE - 8, settings.positiveInt("cortex.storage.max-upload-mb") * 1024L * 1024L);
    }
}
