package routes.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceHelper;
import routes.api.AccessGate;
import routes.api.DocumentApi;
import routes.api.ErrorResponses;
import routes.api.HttpErrorPages;
import routes.api.HttpDrain;
import routes.api.HttpGate;
import routes.api.HttpServerTuning;
import routes.api.JobApi;
import routes.api.StaticContent;
import routes.api.Json;
import routes.api.MultipartReceiver;
import routes.api.ProjectApi;
import routes.api.ProjectKeysApi;
import routes.db.Database;
import routes.health.DependencyCheck;
import routes.health.OutageLog;
import routes.health.Probes;
import routes.document.DocumentStore;
import routes.job.IdempotencyKeys;
import routes.job.JobEvents;
import routes.job.JobIntake;
import routes.job.JobRelay;
import routes.job.JobStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import routes.messaging.BrokerConnection;
import routes.metrics.ServiceMetrics;
import routes.messaging.EmbeddedBroker;
import routes.messaging.DurableBatch;
import routes.processing.ChunkSplitter;
import routes.processing.ParserProcesses;
import routes.processing.ChunkStage;
import routes.processing.DetectStage;
import routes.processing.ExtractStage;
import routes.processing.FaultInjection;
import routes.processing.FetchStage;
import routes.processing.IndexStage;
import routes.processing.JobClaims;
import routes.processing.JobOutcome;
import routes.processing.StageHook;
import routes.processing.StageProgress;
import routes.processing.StoreStage;
import routes.processing.TextExtractor;
import routes.processing.TreeIndexer;
import routes.processing.VerifyStage;
import routes.project.ProjectKeys;
import routes.project.ProjectStore;
import routes.source.AddressGuard;
import routes.source.GuardedHttpClient;
import routes.source.ArchiveUnpacker;
import routes.source.HttpFetcher;
import routes.source.RepositoryCloner;
import routes.source.SourceFetcher;
import routes.source.SourcePolicy;
import routes.storage.ContentTypes;
import routes.storage.LocalStorage;
import routes.storage.ObjectStore;
import routes.storage.S3Storage;
import routes.storage.TypeDetector;
import routes.stream.EventRelay;
import routes.stream.StreamEndpoints;
import routes.stream.StreamHub;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Builds the application's beans from validated settings and binds them under the names the YAML routes use.
 * Runs before any route is built, so a bad setting stops start-up with a message naming it. Which routes exist is
 * the routes' own business: their preconditions read cortex.role and cortex.tasks.eager.
 */
@Configuration
public class CortexConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = new Settings(context.getPropertiesComponent());
        // every setting at once, before anything opens: a bad one stops the start within a second or two
        SettingRules.check(settings);
        settings.optional("cortex.log.level").ifPresent(level -> org.apache.logging.log4j.core.config.Configurator
                .setRootLevel(org.apache.logging.log4j.Level.valueOf(level.toUpperCase(java.util.Locale.ROOT))));
        Registry registry = context.getRegistry();

        String role = settings.string("cortex.role");
        boolean eager = Boolean.parseBoolean(settings.string("cortex.tasks.eager"));
        boolean api = !role.equals("worker");

        // camel.server takes the Vertx bound here: its servers get an idle timeout and JSON answers to what Vert.x
        // cannot parse
        int idleSeconds = settings.positiveInt("cortex.http.idle-timeout-seconds");
        HttpDrain drain = new HttpDrain();
        registry.bind("httpDrain", drain);
        OpenResources.closeAfterContext(context, HttpServerTuning.bindVertx(registry, idleSeconds, drain));

        ObjectMapper json = Json.mapper();
        registry.bind("cortexJson", json);

        String url = settings.string("cortex.database.url");
        Database db = new Database(url,
                settings.optional("cortex.database.user").orElse(null),
                settings.optional("cortex.database.password").orElse(null),
                settings.positiveInt("cortex.database.pool-size"),
                Duration.ofMillis(settings.positiveInt("cortex.database.connect-timeout-ms")));
        OpenResources.closeWithContext(context, db::close);
        db.migrate();
        registry.bind("database", db);
        // Readiness from probes run in the background every second: it answers at once whatever is down, and the
        // probes alone decide when an outage begins and ends in the log.
        Probes probes = new Probes(Duration.ofSeconds(1), Duration.ofSeconds(1));
        OpenResources.closeWithContext(context, probes::close);
        context.addStartupListener((ctx, alreadyStarted) -> probes.start());
        OutageLog databaseOutage = new OutageLog("the database", "jobs cannot be created or processed and background"
                + " work (hand-offs, recovery, events, the watch) waits");
        registry.bind("databaseOutage", databaseOutage);
        probes.watch("database", db::check, databaseOutage);
        registry.bind("databaseReadiness", new DependencyCheck("database", probes, true));

        OutageLog brokerOutage = new OutageLog("the broker", "new jobs wait in the database for their hand-off and"
                + " events for the audit topic");
        registry.bind("brokerOutage", brokerOutage);
        if (!eager) {
            messaging(context, settings, probes, brokerOutage, !role.equals("api"));
        }

        long maxBytes = settings.positiveInt("cortex.storage.max-upload-mb") * 1024L * 1024L;
        Path tempDir = settings.path("cortex.storage.temp-dir");
        // "ingest/" and "/ingest" are "ingest": every key and every tenancy check uses the same form
        String prefix = settings.optional("cortex.storage.prefix").orElse("").replaceAll("^/+|/+$", "");
        // Local storage always exists: with the s3 backend it is only the root that local job sources may read.
        LocalStorage local = new LocalStorage(settings.path("cortex.storage.local-dir"), prefix);
        ObjectStore storage = settings.oneOf("cortex.storage.backend", "local", "s3").equals("s3")
                ? s3(context, settings, prefix) : local;
        probes.watch("storage", storage::check, new OutageLog("storage", "uploads are answered 503 and jobs wait to"
                + " fetch their stored copies"));
        registry.bind("storageReadiness", new DependencyCheck("storage", probes, true));
        ContentTypes contentTypes = new ContentTypes(settings.list("cortex.storage.allowed-content-types"));
        List<Path> roots = settings.list("cortex.local-source-roots").stream()
                .map(r -> Path.of(r).toAbsolutePath().normalize()).toList();
        refuseRootsOverlappingTheData(settings, roots, url);
        AddressGuard guard = new AddressGuard(
                Boolean.parseBoolean(settings.oneOf("cortex.fetch.allow-private", "true", "false")),
                settings.list("cortex.fetch.allowed-hosts"));
        SourcePolicy sources = new SourcePolicy(roots, local.root().resolve(prefix), storage, prefix, guard);

        ProjectStore projects = new ProjectStore(db);
        // The registry camel-micrometer-prometheus serves at /observe/metrics (it takes the one bound by this name).
        MeterRegistry meters = registry.lookupByNameAndType("metricsRegistry", MeterRegistry.class);
        if (meters == null) {
            meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            registry.bind("metricsRegistry", meters);
        }
        ServiceMetrics metrics = new ServiceMetrics(meters);
        JobEvents events = new JobEvents(db, json);
        JobStore jobs = new JobStore(db, events, metrics, settings.positiveInt("cortex.api.exact-total-limit"));
        IdempotencyKeys keys = new IdempotencyKeys(db);
        JobIntake intake = new JobIntake(db, jobs, keys, projects, storage, contentTypes, tempDir, maxBytes,
                extractMaxChars(settings), eager ? JobRelay::inlineTaskId : JobRelay::brokerTaskId);
        registry.bind("jobRelay", new JobRelay(jobs, settings.positiveInt("cortex.jobs.relay-batch"),
                settings.positiveInt("cortex.jobs.relay-backlog"), brokerOutage));
        DocumentStore documents = new DocumentStore(db);
        ProjectKeys projectKeys = new ProjectKeys(db);
        AccessGate access = accessGate(settings, projectKeys);
        registry.bind("projectApi", new ProjectApi(projects, json, access == null ? null : projectKeys));
        registry.bind("projectKeysApi", new ProjectKeysApi(projects, projectKeys));
        MultipartReceiver receiver = new MultipartReceiver(tempDir, maxBytes,
                Duration.ofMillis(settings.positiveInt("cortex.http.upload-idle-timeout-ms")), metrics);
        if (api) {
            context.addStartupListener(receiver);
        }
        registry.bind("jobApi", new JobApi(projects, jobs, intake, sources, receiver, documents, keys, json, metrics,
                settings.positiveInt("cortex.api.max-batch-jobs")));
        registry.bind("documentApi", new DocumentApi(projects, documents));
        registry.bind("jobStore", jobs);
        registry.bind("idempotencyKeys", keys);
        registry.bind("errorResponses", new ErrorResponses());

        GuardedHttpClient remote = new GuardedHttpClient(guard,
                Duration.ofMillis(settings.positiveInt("cortex.fetch.connect-timeout-ms")),
                Duration.ofMillis(settings.positiveInt("cortex.fetch.read-timeout-ms")));
        OpenResources.closeWithContext(context, () -> {
            try {
                remote.close();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        ParserProcesses parsers = new ParserProcesses(settings.positiveInt("cortex.worker.concurrency"),
                settings.positiveInt("cortex.extract.parser-memory-mb"),
                Duration.ofSeconds(settings.positiveInt("cortex.extract.parse-timeout-seconds")));
        OpenResources.closeWithContext(context, parsers::close);
        StreamHub hub = streams(context, settings, events, jobs, json, api, metrics);
        SearchConfiguration.Embedding embedding = SearchConfiguration.bind(context, settings, db, probes, metrics,
                projects, jobs, json, hub, api);
        worker(registry, settings, db, jobs, documents, storage, guard, remote, maxBytes, tempDir, metrics, parsers,
                embedding);

        registry.bind("leftoverSweep", new routes.processing.LeftoverSweep(jobs, documents, storage, prefix, tempDir,
                Duration.ofSeconds(settings.positiveInt("cortex.sweep.min-age-seconds"))));
        WatchConfiguration.bind(context, settings, db, jobs, intake, projects, json, maxBytes, tempDir, metrics);
        gauges(context, settings, metrics, events, hub, probes, jobs);
        context.addStartupListener(new HttpErrorPages());
        context.addStartupListener(new HttpGate(settings.list("cortex.http.cors-origins"),
                settings.positiveInt("cortex.http.max-json-bytes"), settings.positiveInt("cortex.http.max-batch-bytes"),
                access, drain));
        if (api) {
            context.addStartupListener(new StaticContent());
        }
    }

    /**
     * A local source root that contains the service's data (or lies inside it) would let any project read the others'
     * uploads, the broker journal or the database file: start-up refuses it.
     */
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

    private static void refuseRootsOverlappingTheData(Settings settings, List<Path> roots, String databaseUrl) {
        List<Path> data = new java.util.ArrayList<>(List.of(settings.path("cortex.storage.local-dir"),
                settings.path("cortex.storage.temp-dir"), settings.path("cortex.broker.data-dir")));
        Path databaseFile = databaseUrl.startsWith("jdbc:sqlite:") ? Path.of(databaseUrl.substring(
                "jdbc:sqlite:".length()).replaceFirst("\\?.*$", "")).toAbsolutePath().normalize() : null;
        for (Path root : roots) {
            for (Path own : data) {
                if (own.startsWith(root) || root.startsWith(own)) {
                    throw Settings.invalid("cortex.local-source-roots", root.toString(),
                            "folders apart from the service's own data (" + own + ")");
                }
            }
            if (databaseFile != null && databaseFile.startsWith(root)) {
                throw Settings.invalid("cortex.local-source-roots", root.toString(),
                        "folders that do not hold the database file (" + databaseFile + ")");
            }
        }
    }

    /**
     * The broker: embedded (journal under the data directory, TCP acceptor for other instances) unless
     * CORTEX_BROKER_URL names an external one. The "jms" component sends and consumes over a pooled factory.
     */
    private static void messaging(CamelContext context, Settings settings, Probes probes, OutageLog brokerOutage,
            boolean consumes) throws Exception {
        String brokerUrl = settings.optional("cortex.broker.url").orElse(null);
        String user = settings.optional("cortex.broker.user").orElse(null);
        String password = settings.optional("cortex.broker.password").orElse(null);
        if (brokerUrl == null) {
            // broker.xml reads these: its journal, its acceptor, and the job queues' names and redelivery.
            EmbeddedBroker broker = new EmbeddedBroker(settings.string("cortex.broker.config"), Map.of(
                    "cortex.broker.data-dir", settings.path("cortex.broker.data-dir").toString(),
                    "cortex.broker.host", settings.string("cortex.broker.host"),
                    "cortex.broker.port", String.valueOf(settings.positiveInt("cortex.broker.port")),
                    "cortex.jobs.queue", settings.string("cortex.jobs.queue"),
                    "cortex.jobs.dead-letter-queue", settings.string("cortex.jobs.dead-letter-queue"),
                    "cortex.broker.max-delivery-attempts",
                    String.valueOf(settings.positiveInt("cortex.broker.max-delivery-attempts")),
                    "cortex.broker.redelivery-delay-ms",
                    String.valueOf(settings.nonNegativeInt("cortex.broker.redelivery-delay-ms")),
                    "cortex.broker.max-redelivery-delay-ms",
                    String.valueOf(settings.nonNegativeInt("cortex.broker.max-redelivery-delay-ms"))), user, password);
            if (Boolean.parseBoolean(settings.oneOf("cortex.broker.audit-log", "true", "false"))) {
                // Artemis' audit loggers are quiet by default (log4j2.properties); an operator may want them.
                org.apache.logging.log4j.core.config.Configurator.setLevel("org.apache.activemq.audit",
                        org.apache.logging.log4j.Level.INFO);
            }
            context.addService(broker, true, true);
            OpenResources.closeWithContext(context, () -> ServiceHelper.stopService(broker));
            context.getRegistry().bind("embeddedBroker", broker);
            brokerUrl = broker.clientUrl();
        }
        BrokerConnection connection = new BrokerConnection(brokerUrl, user, password,
                settings.positiveInt("cortex.broker.max-connections"));
        context.addService(connection, true, true);
        OpenResources.closeWithContext(context, () -> ServiceHelper.stopService(connection));
        probes.watch("broker", connection::check, brokerOutage);
        // an api instance goes on taking jobs while the broker is away (the outbox rides it out): not its readiness
        context.getRegistry().bind("brokerReadiness", new DependencyCheck("broker", probes, consumes));
        context.addComponent("jms", JmsComponent.jmsComponent(connection.connectionFactory()));
        context.getRegistry().bind("jobQueueBatch", DurableBatch.toQueue(connection.connectionFactory(),
                settings.string("cortex.jobs.queue")));
        context.getRegistry().bind("auditTopicBatch", DurableBatch.toTopic(connection.connectionFactory(),
                settings.string("cortex.events.audit-topic")));
    }

    /** API keys: off by default; on, the admin key must be long enough to be a secret. */
    private static AccessGate accessGate(Settings settings, ProjectKeys keys) {
        int cacheSeconds = settings.positiveInt("cortex.auth.cache-seconds");
        if (!Boolean.parseBoolean(settings.oneOf("cortex.auth.enabled", "true", "false"))) {
            return null;
        }
        return new AccessGate(settings.string("cortex.auth.admin-key"), keys, Duration.ofSeconds(cacheSeconds));
    }

    /** The S3 backend; the bucket is created if missing. */
    private static ObjectStore s3(CamelContext context, Settings settings, String prefix) throws Exception {
        S3Client client = S3Clients.fromStorageSettings(settings);
        OpenResources.closeWithContext(context, client::close);
        String region = settings.string("cortex.storage.region");
        S3Storage storage = new S3Storage(client, settings.string("cortex.storage.bucket"), prefix, region);
        storage.ensureBucket();
        return storage;
    }

    /**
     * Job events: the relay of the outbox (any instance may hold its lease), the hub of this instance's stream
     * clients, and, where the API is served, the stream endpoints on its router.
     */
    /** Meters read when scraped: the job queues' depths (embedded broker), stream clients, the relay's lag. */
    private static void gauges(CamelContext context, Settings settings, ServiceMetrics metrics, JobEvents events,
            StreamHub hub, Probes probes, JobStore jobs) {
        EmbeddedBroker broker = context.getRegistry().lookupByNameAndType("embeddedBroker", EmbeddedBroker.class);
        if (broker != null) {
            String queue = settings.string("cortex.jobs.queue");
            String dlq = settings.string("cortex.jobs.dead-letter-queue");
            metrics.gauge("cortex.queue.depth", "Job messages waiting on the job queue (embedded broker)",
                    () -> broker.messageCount(queue));
            metrics.gauge("cortex.queue.dead.letters", "Messages on the dead-letter queue (embedded broker)",
                    () -> broker.messageCount(dlq));
        }
        metrics.gauge("cortex.stream.clients", "WebSocket and SSE clients connected to this instance", hub::clients);
        // counted in the database in the background (a scrape never waits for it): jobs the relay holds and jobs
        // left to recovery alike, of every instance
        java.util.concurrent.atomic.AtomicLong awaiting = new java.util.concurrent.atomic.AtomicLong();
        probes.every("relay-backlog", () -> awaiting.set(jobs.awaitingHandoff()));
        metrics.gauge("cortex.jobs.relay.backlog", "Jobs committed and not yet handed to the job queue: they wait while"
                + " the broker is slow or away", awaiting::get);
        metrics.gauge("cortex.events.relay.lag.seconds", "Age of the oldest event not yet on the audit topic",
                events::relayLagSeconds);
    }

    private static StreamHub streams(CamelContext context, Settings settings, JobEvents events, JobStore jobs,
            ObjectMapper json, boolean api, ServiceMetrics metrics) throws Exception {
        StreamHub hub = new StreamHub(events, settings.positiveInt("cortex.stream.max-held-events"));
        context.getRegistry().bind("streamHub", hub);
        context.getRegistry().bind("eventRelay", new EventRelay(events, java.util.UUID.randomUUID().toString(),
                Duration.ofSeconds(settings.positiveInt("cortex.events.relay-lease-seconds")),
                settings.positiveInt("cortex.events.relay-batch"), hub::relayedHere, metrics::relayed,
                context.getRegistry().lookupByNameAndType("brokerOutage", OutageLog.class)));
        if (api) {
            long ping = settings.positiveInt("cortex.stream.ping-ms");
            StreamEndpoints endpoints = new StreamEndpoints(hub, events, jobs, json, new StreamEndpoints.Limits(
                    settings.positiveInt("cortex.stream.client-buffer-kb") * 1024,
                    settings.positiveInt("cortex.stream.max-held-events"), ping,
                    settings.positiveInt("cortex.stream.pong-timeout-ms"),
                    settings.positiveInt("cortex.stream.snapshot-limit")),
                    settings.positiveInt("cortex.http.port"), settings.list("cortex.http.cors-origins"));
            context.addStartupListener(endpoints);
            OpenResources.closeWithContext(context, endpoints::stop);
        }
        return hub;
    }

    /**
     * The worker's beans, one per step of the job-process route: claims and leases, the stages (sources fetched
     * within the upload limit and timeouts, Tika, archives, trees, chunks, the store), and the outcome of a failed
     * attempt. The cortex.testing.* switches bind a fault-injection hook only when one of them is set.
     */
    private static void worker(Registry registry, Settings settings, Database db, JobStore jobs,
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
        registry.bind("embedStage", new routes.processing.EmbedStage(progress, embedding.embedder(), embedding.store(),
                embedding.batch()));
        registry.bind("storeStage", new StoreStage(progress, db, jobs, documents));
        registry.bind("jobOutcome", new JobOutcome(jobs, storage));
    }

    private static ChunkSplitter chunkSplitter(Settings settings) {
        return new ChunkSplitter(settings.positiveInt("cortex.chunk.size"), settings.nonNegativeInt("cortex.chunk.overlap"));
    }
}
