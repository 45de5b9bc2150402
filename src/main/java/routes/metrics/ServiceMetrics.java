package routes.metrics;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import routes.api.JobApi;
import routes.job.IngestJob;
import routes.job.JobMove;
import routes.job.JobStage;
import routes.job.JobStore;
import routes.processing.JobRun;
import routes.processing.StageHook;

/**
 * The service's own meters (docs/operations.md lists them): jobs by what happened to them, attempts and retries,
 * stage durations and queue wait, uploads. Labels never name a job or a project: their number is bounded by the
 * code (moves, stages, rejection reasons), not by the data.
 */
public final class ServiceMetrics implements JobStore.Observer, StageHook, JobApi.Uploads {

    /** Histogram buckets of the durations: a few, from 10 ms to a minute, so that a scrape stays small. */
    private static final Duration[] BUCKETS = {Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(100),
        Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
        Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60)};

    private final MeterRegistry registry;
    private final Counter created;
    private final Counter events;
    private final Counter uploadBytes;
    private final Counter relayedEvents;
    private final Timer queueWait;
    /** One counter per move and one timer per stage, made once: the observer runs inside every job change. */
    private final Map<JobMove, Counter> moves = new EnumMap<>(JobMove.class);
    private final Map<JobStage, Timer> stages = new EnumMap<>(JobStage.class);
    /** Attempt -> the stage it is in and when it entered it, until the attempt ends. */
    private final Map<String, StageClock> clocks = new ConcurrentHashMap<>();

    private record StageClock(JobStage stage, long startedNanos) {
    }

    /** Descriptions of the meters Camel registers without one. */
    private static final Map<String, String> UNDESCRIBED = Map.of(
            "app.info", "The running service: its Camel version and context name (the value is always 1)",
            "camel.routes.added", "Camel routes added to the context",
            "camel.routes.running", "Camel routes running",
            "camel.routes.reloaded", "Camel routes reloaded (route files changed while running)");

    /**
     * The registry /observe/metrics serves, bound before Camel starts (camel-micrometer-prometheus takes the one bound
     * as {@code metricsRegistry}): its filters must be in place before the first meter, or Micrometer warns. Camel
     * registers a few meters without a description, whose HELP lines would be empty: they get one here.
     */
    public static io.micrometer.prometheusmetrics.PrometheusMeterRegistry newRegistry() {
        var registry = new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
        registry.config().meterFilter(new io.micrometer.core.instrument.config.MeterFilter() {
            @Override
            public io.micrometer.core.instrument.Meter.Id map(io.micrometer.core.instrument.Meter.Id id) {
                String description = id.getDescription() == null ? UNDESCRIBED.get(id.getName()) : null;
                return description == null ? id : new io.micrometer.core.instrument.Meter.Id(id.getName(),
                        io.micrometer.core.instrument.Tags.of(id.getTagsAsIterable()), id.getBaseUnit(), description,
                        id.getType());
            }
        });
        return registry;
    }

    public ServiceMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.created = Counter.builder("cortex.jobs.submitted").description("Jobs created (API, uploads, watch)")
                .register(registry);
        this.events = Counter.builder("cortex.events.recorded").description("Job events written to the outbox")
                .register(registry);
        this.relayedEvents = Counter.builder("cortex.events.relayed").description("Job events put on the audit topic")
                .register(registry);
        this.uploadBytes = Counter.builder("cortex.upload.bytes").baseUnit("bytes")
                .description("Bytes of accepted uploads").register(registry);
        this.queueWait = Timer.builder("cortex.queue.wait").description("From a job's creation to its first claim")
                .serviceLevelObjectives(BUCKETS).register(registry);
        for (JobMove move : JobMove.values()) {
            moves.put(move, Counter.builder("cortex.jobs.moves").tag("move", move.name().toLowerCase(java.util.Locale.ROOT))
                    .description("Job changes by move: claim (an attempt began), take_over (an attempt began in place of"
                            + " one whose worker vanished), progress, retry (also waits for storage), hand_back (at shutdown),"
                            + " fail, abandon (attempts used up by workers that vanished), cancel, delete, retire")
                    .register(registry));
        }
        for (JobStage stage : JobStage.values()) {
            if (stage == JobStage.INITIAL || stage == JobStage.DONE) {
                continue; // states, not stages an attempt spends time in: a series of them would never record
            }
            stages.put(stage, Timer.builder("cortex.stage.duration").tag("stage", stage.toString())
                    .description("Time an attempt spent in a stage").serviceLevelObjectives(BUCKETS).register(registry));
        }
    }

    @Override
    public void created(IngestJob job) {
        created.increment();
        events.increment();
    }

    @Override
    public void moved(IngestJob job, JobMove move) {
        events.increment();
        moves.get(move).increment();
        if (move == JobMove.CLAIM && job.attempts() == 1 && job.startedAt() != null) {
            queueWait.record(Duration.between(job.createdAt(), job.startedAt()));
        }
    }

    @Override
    public void beforeStage(JobRun run, JobStage stage) {
        long now = System.nanoTime();
        StageClock previous = clocks.put(run.attempt(), new StageClock(stage, now));
        if (previous != null && previous.stage() != stage) {
            record(previous.stage(), now - previous.startedNanos());
        }
    }

    @Override
    public void afterAttempt(JobRun run) {
        StageClock last = clocks.remove(run.attempt());
        if (last != null) {
            record(last.stage(), System.nanoTime() - last.startedNanos());
        }
    }

    private void record(JobStage stage, long nanos) {
        Timer timer = stages.get(stage);
        if (timer != null) {
            timer.record(Duration.ofNanos(nanos));
        }
    }

    /** A value read when the metrics are scraped (queue depth, connected clients, relay lag ...). */
    public void gauge(String name, String description, java.util.function.Supplier<Number> value) {
        io.micrometer.core.instrument.Gauge.builder(name, value).description(description).register(registry);
    }

    /**
     * A count kept by {@code owner} (the watch's status), read when the metrics are scraped. Micrometer holds the
     * object it reads weakly: it must be one that lives as long as the service (a lambda made here would be collected
     * at the next GC, and the counter would stay at its last value for good).
     */
    public <T> void counter(String name, String tag, String tagValue, String description, T owner,
            java.util.function.ToDoubleFunction<T> count) {
        io.micrometer.core.instrument.FunctionCounter.builder(name, owner, count)
                .tag(tag, tagValue).description(description).register(registry);
    }

    /** A batch of events went to the audit topic (or, in eager mode, to this instance's clients). */
    public void relayed(int events) {
        relayedEvents.increment(events);
    }

    @Override
    public void accepted(long bytes) {
        uploadBytes.increment(bytes);
    }

    @Override
    public void rejected(String reason) {
        Counter.builder("cortex.upload.rejected").tag("reason", reason).description("Uploads refused, by reason")
                .register(registry).increment();
    }
}
