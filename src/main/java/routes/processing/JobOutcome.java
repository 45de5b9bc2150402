package routes.processing;

import routes.failure.Redaction;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import routes.db.Dialect;
import routes.failure.PermanentFailure;
import routes.job.JobStore;

/**
 * How an attempt that did not complete ends: stopped (the job is no longer ours: its status stands), failed for good
 * (a permanent error, or the last attempt), or queued again for a retry after a backoff.
 */
public final class JobOutcome {

    private static final Logger LOG = LoggerFactory.getLogger(JobOutcome.class);

    private final JobStore jobs;

    public JobOutcome(JobStore jobs) {
        this.jobs = jobs;
    }

    /**
     * After a transient error: the job waits queued for its next attempt, or, after the last one, fails. The policy
     * (retries after the first attempt, backoff, its cap) comes from the route, where operators tune it.
     */
    public RetryDecision retryOrFail(JobRun run, Exception error, int maxRetries, long backoffSeconds,
            long backoffMaxSeconds) {
        int attempt = run.job().attempts();
        String jobId = run.job().id().toString();
        if (attempt > maxRetries) {
            failed(run, error);
            return new RetryDecision(jobId, false, 0, 0);
        }
        long delay = RetryDecision.backoffSeconds(attempt, backoffSeconds, backoffMaxSeconds) * 1000;
        Instant at = Dialect.now().plusMillis(delay);
        String reason = reason(error);
        LOG.info("Job {} attempt {} failed, retry {} of {} at {}: {}", jobId, attempt, attempt, maxRetries, at, reason);
        if (!jobs.requeue(run.job().id(), run.attempt(), reason,
                "Retry " + attempt + " of " + maxRetries + " at " + at + " after: " + reason, delay, true)) {
            throw new JobStopped("job " + jobId + " was cancelled or taken over before its retry was scheduled");
        }
        return new RetryDecision(jobId, true, delay, at.toEpochMilli());
    }

    /** The job fails for good, at the stage it had reached; a cancel or take-over that came first stands. */
    public void failed(JobRun run, Exception error) {
        String reason = reason(error);
        if (error instanceof PermanentFailure) {
            LOG.info("Job {} failed: {}", run.job().id(), reason);
        } else {
            LOG.warn("Job {} failed", run.job().id(), error);
        }
        String stage = jobs.findAny(run.job().id()).map(j -> j.stage().toString()).orElse("unknown");
        jobs.fail(run.job().id(), run.attempt(), reason, "Failed at stage " + stage + ": " + reason);
    }

    /**
     * The service is shutting down: the job goes back to the queue at once (it stays visible as queued) and is
     * handed over again in the consuming transaction, like a retry without a wait.
     */
    public RetryDecision handBack(JobRun run) {
        String jobId = run.job().id().toString();
        Instant now = Dialect.now();
        LOG.info("Job {} handed back to the queue: the service is shutting down", jobId);
        if (!jobs.requeue(run.job().id(), run.attempt(), null, "Handed back to the queue at shutdown", 0, false)) {
            throw new JobStopped("job " + jobId + " was cancelled or taken over before it was handed back");
        }
        return new RetryDecision(jobId, true, 0, now.toEpochMilli());
    }

    public void stopped(JobRun run, Exception reason) {
        LOG.info("Stopped {}: {}", run, reason.getMessage());
    }

    /** What the job row says of an error: its message, without the credentials a source URL may carry. */
    private static String reason(Exception error) {
        return error.getMessage() == null ? error.getClass().getSimpleName() : Redaction.redact(error.getMessage());
    }
}
