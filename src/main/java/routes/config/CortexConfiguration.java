package routes.config;

import java.nio.file.Path;
import java.time.Duration;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.LifecycleStrategySupport;
import routes.api.AccessGate;
import routes.api.ActivityApi;
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
import routes.job.JobActivity;
import routes.job.JobEvents;
import routes.job.JobIntake;
import routes.job.JobRelay;
import routes.job.JobStore;
import io.micrometer.core.instrument.MeterRegistry;
import routes.metrics.ServiceMetrics;
import routes.messaging.EmbeddedBroker;
import routes.processing.ParserProcesses;
import routes.project.ProjectKeys;
import routes.project.ProjectStore;
import routes.source.AddressGuard;
import routes.source.GuardedHttpClient;
import routes.source.SourcePolicy;
import routes.storage.ObjectStore;
import routes.stream.StreamHub;

/**
 * Builds the application's beans from validated settings and binds them under the names the YAML routes use.
 * Runs before any route is built, so a bad setting stops start-up with a message naming it. Which routes exist is
 * the routes' own business: their preconditions read cortex.role and cortex.tasks.eager.
 * <p>
 * This class holds what every part shares (settings, the HTTP server's Vert.x, the database and its probes, the job
 * store, projects, the API's beans) and calls each capability's own configuration in order: {@link
 * MessagingConfiguration}, {@link StorageConfiguration}, {@link StreamConfiguration}, {@link SearchConfiguration},
 * {@link WorkerConfiguration}, {@link WatchConfiguration}. A new capability adds a file of its own.
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
        // what the service closes as it stops (the embedded broker, the pool) is not an outage
        context.addLifecycleStrategy(new LifecycleStrategySupport() {
            @Override
            public void onContextStopping(CamelContext stopping) {
                probes.stopping();
            }
        });
        OutageLog databaseOutage = new OutageLog("the database", "jobs cannot be created or processed and background"
                + " work (hand-offs, recovery, events, the watch) waits");
        registry.bind("databaseOutage", databaseOutage);
        probes.watch("database", db::check, databaseOutage);
        registry.bind("databaseReadiness", new DependencyCheck("database", probes, true));

        OutageLog brokerOutage = new OutageLog("the broker", "new jobs wait in the database for their hand-off and"
                + " events for the audit topic");
        registry.bind("brokerOutage", brokerOutage);
        if (!eager) {
            MessagingConfiguration.bind(context, settings, probes, brokerOutage, !role.equals("api"));
        }

        StorageConfiguration.Storage stored = StorageConfiguration.bind(context, settings, probes, url);
        long maxBytes = stored.maxBytes();
        Path tempDir = stored.tempDir();
        String prefix = stored.prefix();
        ObjectStore storage = stored.store();
        AddressGuard guard = stored.guard();
        SourcePolicy sources = stored.sources();

        ProjectStore projects = new ProjectStore(db);
        // The registry camel-micrometer-prometheus serves at /observe/metrics (it takes the one bound by this name).
        MeterRegistry meters = registry.lookupByNameAndType("metricsRegistry", MeterRegistry.class);
        if (meters == null) {
            meters = ServiceMetrics.newRegistry();
            registry.bind("metricsRegistry", meters);
        }
        ServiceMetrics metrics = new ServiceMetrics(meters);
        JobEvents events = new JobEvents(db, json);
        JobStore jobs = new JobStore(db, events, metrics, settings.positiveInt("cortex.api.exact-total-limit"));
        IdempotencyKeys keys = new IdempotencyKeys(db);
        JobIntake intake = new JobIntake(db, jobs, keys, projects, storage, stored.contentTypes(), tempDir, maxBytes,
                WorkerConfiguration.extractMaxChars(settings), eager ? JobRelay::inlineTaskId : JobRelay::brokerTaskId);
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
        registry.bind("activityApi", new ActivityApi(projects, new JobActivity(db)));
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
        StreamHub hub = StreamConfiguration.bind(context, settings, events, jobs, json, api, metrics);
        SearchConfiguration.Embedding embedding = SearchConfiguration.bind(context, settings, db, probes, metrics,
                projects, jobs, json, hub, api);
        WorkerConfiguration.bind(registry, settings, db, jobs, documents, storage, guard, remote, maxBytes, tempDir,
                metrics, parsers, embedding);

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

    /** API keys: off by default; on, the admin key must be long enough to be a secret. */
    private static AccessGate accessGate(Settings settings, ProjectKeys keys) {
        int cacheSeconds = settings.positiveInt("cortex.auth.cache-seconds");
        if (!Boolean.parseBoolean(settings.oneOf("cortex.auth.enabled", "true", "false"))) {
            return null;
        }
        return new AccessGate(settings.string("cortex.auth.admin-key"), keys, Duration.ofSeconds(cacheSeconds));
    }

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
}
