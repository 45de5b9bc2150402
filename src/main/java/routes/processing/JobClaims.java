package routes.processing;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import routes.job.JobStore;
import routes.project.Ids;

/**
 * Which attempts this process runs. A job is claimed for one attempt with a conditional update (only one of several
 * racing workers wins); while the attempt runs, the lease renewal route extends its lease, so that no other worker
 * takes it over; when the attempt ends, however it ends, it is released.
 */
public final class JobClaims {

    private static final Logger LOG = LoggerFactory.getLogger(JobClaims.class);

    private final JobStore jobs;
    private final Duration lease;
    private final StageHook hook;
    private volatile boolean stopping;

    /** The attempts running in this process (job id -> lease owner), whose leases the renewal route extends. */
    private final Map<UUID, String> active = new ConcurrentHashMap<>();

    /**
     * The budget of a job no retry policy has judged yet (its attempts so far vanished): 1 + cortex.task.max-retries.
     */
    private final int maxAttempts;

    public JobClaims(JobStore jobs, Duration lease, int maxAttempts, StageHook hook) {
        this.jobs = jobs;
        this.maxAttempts = maxAttempts;
        this.lease = lease;
        this.hook = hook;
    }

    /** Claims the job for one attempt; null when it is not ours to run (finished, cancelled, deleted, taken). */
    public JobRun claim(String jobId) {
        if (stopping) {
            // the message rolls back to the broker; another instance, or this one after its restart, takes it
            throw new JobHandedBack("the service is shutting down; job " + jobId + " not claimed");
        }
        Optional<UUID> id = Ids.parse(jobId);
        if (id.isEmpty()) {
            LOG.warn("Dropping a hand-off without a valid job id: {}", jobId);
            return null;
        }
        String attempt = UUID.randomUUID().toString();
        JobRun run = jobs.claim(id.get(), attempt, lease, maxAttempts)
                .map(claim -> new JobRun(claim.job(), attempt, claim.charged())).orElse(null);
        if (run != null) {
            active.put(run.job().id(), attempt);
            hook.attemptStarted(run);
        }
        return run;
    }

    /** The attempt is over, whatever its outcome: its lease is no longer renewed, its temporary files are removed. */
    public void release(JobRun run) {
        active.remove(run.job().id(), run.attempt());
        run.deleteTemporaryFiles();
        hook.afterAttempt(run);
    }

    /**
     * The service is shutting down: no new claim, and every running attempt hands its job back at its next
     * checkpoint (a stage, a file) instead of going on.
     */
    public void stop() {
        stopping = true;
    }

    boolean stopping() {
        return stopping;
    }

    /** Extends the leases of this process's running attempts, so that no other worker takes them over. */
    public void renewLeases() {
        jobs.renewLeases(Map.copyOf(active), lease);
    }
}
