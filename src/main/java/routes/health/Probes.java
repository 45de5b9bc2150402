package routes.health;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dependencies' probes, run in the background, each on a thread of its own every period, so that readiness
 * answers at once from the last answers whatever is down (a probe of an unreachable database waits for its connect
 * timeout; a load balancer's probe does not wait with it). A probe still running past the period's timeout counts as
 * down. Each answer also goes to the dependency's {@link OutageLog}.
 */
public final class Probes implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Probes.class);

    /** Asks the dependency something cheap; throws when it cannot answer. */
    @FunctionalInterface
    public interface Probe {
        void probe() throws Exception;
    }

    /** A probe's last answer. */
    public record Answer(boolean up, String message, Instant at) {
    }

    private record Watched(Probe probe, OutageLog outages, ScheduledExecutorService thread) {
    }

    private final Duration period;
    private final Duration timeout;
    private final Map<String, Watched> watched = new ConcurrentHashMap<>();
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final Map<String, Long> runningSince = new ConcurrentHashMap<>();
    private volatile boolean started;
    private volatile boolean stopping;

    /**
     * @param period how often each probe runs
     * @param timeout a probe running longer than this is reported down (it goes on, and its answer counts)
     */
    public Probes(Duration period, Duration timeout) {
        this.period = period;
        this.timeout = timeout;
    }

    /** Watches a dependency; its probe starts with {@link #start}. {@code outages} may be null. */
    public void watch(String name, Probe probe, OutageLog outages) {
        ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cortex-probe-" + name);
            t.setDaemon(true);
            return t;
        });
        watched.put(name, new Watched(probe, outages, thread));
        answers.put(name, new Answer(false, name + " not probed yet: the service is starting", Instant.now()));
        if (started) {
            schedule(name, watched.get(name));
        }
    }

    /** A measurement taken in the background every period (a count for a gauge): a scrape never waits for it. */
    public void every(String name, Runnable task) {
        watch(name, task::run, null);
    }

    /** Starts probing (once the service has started: before, the broker connection is not open yet). */
    public synchronized void start() {
        if (!started) {
            started = true;
            watched.forEach(this::schedule);
        }
    }

    private void schedule(String name, Watched w) {
        w.thread().scheduleWithFixedDelay(() -> run(name, w), 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void run(String name, Watched w) {
        runningSince.put(name, System.nanoTime());
        Answer answer;
        String cause = null;
        try {
            w.probe().probe();
            answer = new Answer(true, null, Instant.now());
        } catch (Exception | LinkageError e) {
            // a failure that says what is wrong in words (the database's reasons) is told as it is
            cause = e instanceof routes.db.DatabaseException ? e.getMessage() : OutageLog.message(e);
            answer = new Answer(false, cause.startsWith("the " + name) ? cause : name + " is unreachable: " + cause,
                    Instant.now());
        } finally {
            runningSince.remove(name);
        }
        answers.put(name, answer);
        if (w.outages() != null && !stopping) {
            try {
                w.outages().probed(answer.up(), cause);
            } catch (RuntimeException e) {
                LOG.debug("Outage log of {}: {}", name, e.toString());
            }
        }
    }

    /** The last answer of a probe; down when it has been running for longer than the timeout. */
    public Answer answer(String name) {
        Long since = runningSince.get(name);
        if (since != null && System.nanoTime() - since > timeout.toNanos()) {
            return new Answer(false, name + " is not answering: its probe has been waiting for "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since) + " ms", Instant.now());
        }
        return answers.getOrDefault(name, new Answer(false, "no probe named " + name, Instant.now()));
    }

    /**
     * The service is stopping: the probes go on answering, but a dependency the service itself is closing (the
     * embedded broker, the pool) is not an outage to log.
     */
    public void stopping() {
        stopping = true;
    }

    @Override
    public void close() {
        watched.values().forEach(w -> w.thread().shutdownNow());
    }
}
