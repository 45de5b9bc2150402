package routes.job;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import routes.messaging.DurableBatch;

/**
 * The hand-off of committed jobs to the job queue, off the request path: a creating request commits its job (with the
 * task id the job's message will carry) and tells the relay, which sends what has accumulated in one batch (route
 * {@code job-relay}) and records the hand-off. While a batch is on its way the next one accumulates, so under load
 * a batch costs one broker commit and one database commit for many jobs.
 *
 * <p>Nothing here is durable, and nothing needs to be: a job the relay never sent (the process died, the broker was
 * unreachable, the backlog was full) is committed without a hand-off, and the recovery route finds it in the
 * database and sends it the same way, with the same task id, which the broker's duplicate detection knows.
 */
public final class JobRelay {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(JobRelay.class);

    /** A committed job's message: its job id, and its task id as the broker's duplicate-detection id. */
    public record Handoff(UUID jobId, String taskId) implements DurableBatch.Message {
        @Override
        public String text() {
            return jobId.toString();
        }

        @Override
        public String duplicateId() {
            return taskId;
        }
    }

    private final ConcurrentLinkedQueue<Handoff> committed = new ConcurrentLinkedQueue<>();
    private final AtomicInteger backlog = new AtomicInteger();
    private final int batch;
    private final int maxBacklog;
    /** Told of a batch the broker did not take: the broker's outage log counts it (its probe reports the outage). */
    private final routes.health.OutageLog brokerOutage;

    private final JobStore jobs;
    /** Before the service took requests: every job committed earlier is no longer in any relay of this instance. */
    private final java.time.Instant startedAt = routes.db.Dialect.now();

    /**
     * @param batch at most this many messages per broker transaction
     * @param maxBacklog jobs waiting beyond this many are left to recovery, so a broker outage cannot fill the heap
     */
    public JobRelay(JobStore jobs, int batch, int maxBacklog, routes.health.OutageLog brokerOutage) {
        this.brokerOutage = brokerOutage;
        this.jobs = jobs;
        this.batch = batch;
        this.maxBacklog = maxBacklog;
    }

    /**
     * At start-up: the jobs committed before this instance started that no relay sent (it stopped or died first), to
     * be sent at once rather than after the recovery grace. Only those: a job this instance's relay holds must not be
     * sent by a second sender at the same moment (the broker's duplicate detection does not stop two concurrent
     * transactions carrying the same id).
     */
    public List<Handoff> leftBeforeStart(int max) {
        return jobs.unsentBefore(startedAt, max);
    }

    /** A new job committed by this instance: to be sent with the next batch. */
    public void committed(IngestJob job) {
        if (backlog.incrementAndGet() > maxBacklog) {
            backlog.decrementAndGet();
            LOG.debug("Relay backlog full: job {} is left to recovery", job.id());
            return;
        }
        committed.add(new Handoff(job.id(), job.taskId()));
    }

    /** The outcome of a creating request: a new job goes with the next batch, an idempotent replay does not. */
    public void created(CreatedJob created) {
        if (created.fresh()) {
            committed(created.job());
        }
    }

    public void committedAll(List<IngestJob> jobs) {
        jobs.forEach(this::committed);
    }

    public boolean hasPending() {
        return backlog.get() > 0;
    }

    /** New jobs waiting for the relay now (a gauge: it stays near 0 unless the broker is slow or away). */
    public int backlog() {
        return backlog.get();
    }

    /** The next batch, oldest first (empty when none waits). */
    public List<Handoff> next() {
        List<Handoff> next = new ArrayList<>(Math.min(batch, Math.max(1, backlog.get())));
        Handoff h;
        while (next.size() < batch && (h = committed.poll()) != null) {
            backlog.decrementAndGet();
            next.add(h);
        }
        return next;
    }

    /**
     * A batch could not be sent: its jobs stay committed without a hand-off, for recovery. Logged once a minute at
     * most, not once per batch while the broker is away.
     */
    public void failed(List<Handoff> batch, Exception error) {
        LOG.debug("Hand-off of {} job(s) failed; recovery sends them once the job queue is reachable: {}",
                batch.size(), error.getMessage());
        brokerOutage.failed(error, "job-relay");
    }


    /**
     * The task id of a new job's message, assigned when its row is inserted: a fresh id, not derived from the job (a
     * retry's message gets another).
     */
    public static String brokerTaskId(UUID jobId) {
        return "ID:" + UUID.randomUUID();
    }

    /** Eager mode's task id: the in-process queue has no message ids. */
    public static String inlineTaskId(UUID jobId) {
        return "inline-" + jobId;
    }
}
