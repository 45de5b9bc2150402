package routes.processing;

import routes.failure.Explain;
import routes.failure.Redaction;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import routes.db.Dialect;
import routes.failure.PermanentFailure;
import routes.job.JobStore;
import routes.storage.ObjectStore;
import routes.storage.StorageUnavailableException;

/**
 * How an attempt that did not complete ends: stopped (the job is no longer ours: its status stands), failed for good
 * (a permanent error, or the last attempt), or queued again for a retry after a backoff.
 */
public final class JobOutcome {

    private static final Logger LOG = LoggerFactory.getLogger(JobOutcome.class);

    private final JobStore jobs;
    /** The service's own storage: a fetch of a stored copy that failed while it is out of reach is not counted. */
    private final ObjectStore storage;

    public JobOutcome(JobStore jobs, ObjectStore storage) {
        this.jobs = jobs;
        this.storage = storage;
    }

    /**
     * After a transient error: the job waits queued for its next attempt, or, after the last one, fails. The policy
     * (retries after the first attempt, backoff, its cap) comes from the route, where operators tune it, and is
     * recorded on the job: it is the budget the claims keep to as well. An attempt that failed because the service's
     * own storage is out of reach (its storage check fails too) is not the document's fault: it waits like a retry
     * and is not counted, however long the outage lasts.
     */
    public RetryDecision retryOrFail(JobRun run, Exception error, int maxRetries, long backoffSeconds,
            long backoffMaxSeconds) {
        String jobId = run.job().id().toString();
        String reason = reason(error);
        if (error instanceof StorageUnavailableException && storageDown()) {
            long delay = RetryDecision.backoffSeconds(1, backoffSeconds, backoffMaxSeconds) * 1000;
            Instant at = Dialect.now().plusMillis(delay);
            LOG.info("Job {} waits for storage (attempt {} not counted), next try at {}: {}", jobId,
                    run.job().attempts(), at, reason);
            return requeued(run, reason, "Waiting for storage, which is out of reach (this attempt is not counted);"
                    + " next try at " + at + ": " + reason, delay, false, maxRetries, at);
        }
        int attempt = run.charged();
        if (attempt > maxRetries) {
            failed(run, error);
            return new RetryDecision(jobId, false, 0, 0);
        }
        long delay = RetryDecision.backoffSeconds(attempt, backoffSeconds, backoffMaxSeconds) * 1000;
        Instant at = Dialect.now().plusMillis(delay);
        LOG.info("Job {} attempt {} failed at stage {}, retry {} of {} at {}: {}", jobId, attempt, stageOf(run),
                attempt, maxRetries, at, chain(error));
        return requeued(run, reason, "Retry " + attempt + " of " + maxRetries + " at " + at + " after stage "
                + stageOf(run) + " failed: " + reason, delay, true, maxRetries, at);
    }

    private RetryDecision requeued(JobRun run, String reason, String message, long delay, boolean counted,
            int maxRetries, Instant at) {
        String jobId = run.job().id().toString();
        if (!jobs.requeue(run.job().id(), run.attempt(), reason, message, delay, counted, 1 + maxRetries)) {
            throw new JobStopped("job " + jobId + " was cancelled or taken over before its retry was scheduled");
        }
        return new RetryDecision(jobId, true, delay, at.toEpochMilli());
    }

    private boolean storageDown() {
        try {
            storage.check();
            return false;
        } catch (Exception e) {
            return true;
        }
    }

    /**
     * The job fails for good at the stage the attempt was in, named in its message, its stored stage and its event;
     * a cancel or take-over that came first stands. The job's error says in words what went wrong; the whole chain
     * of causes goes to the log at the job's id.
     */
    public void failed(JobRun run, Exception error) {
        String reason = reason(error);
        if (error instanceof PermanentFailure) {
            LOG.info("Job {} failed at stage {}: {}", run.job().id(), stageOf(run), reason);
        } else {
            LOG.warn("Job {} failed at stage {}: {}", run.job().id(), stageOf(run), reason, error);
        }
        jobs.fail(run.job().id(), run.attempt(), reason, "Failed at stage " + stageOf(run) + ": " + reason,
                run.stage());
    }

    /** The stage the attempt was in: its own, or the row's before it entered any. */
    private String stageOf(JobRun run) {
        return run.stage() != null ? run.stage().toString()
                : jobs.findAny(run.job().id()).map(j -> j.stage().toString()).orElse("unknown");
    }

    /**
     * The service is shutting down: the job goes back to the queue at once (it stays visible as queued) and is
     * handed over again in the consuming transaction, like a retry without a wait.
     */
    public RetryDecision handBack(JobRun run) {
        String jobId = run.job().id().toString();
        Instant now = Dialect.now();
        LOG.info("Job {} handed back to the queue: the service is shutting down", jobId);
        if (!jobs.handBack(run.job().id(), run.attempt(), "Handed back to the queue at shutdown")) {
            throw new JobStopped("job " + jobId + " was cancelled or taken over before it was handed back");
        }
        return new RetryDecision(jobId, true, 0, now.toEpochMilli());
    }

    public void stopped(JobRun run, Exception reason) {
        LOG.info("Stopped {}: {}", run, reason.getMessage());
    }

    /**
     * What the job row says of an error, for people: a permanent failure's own message (the service wrote it for
     * them), else the deepest useful cause in words; no class names, object identities or credentials.
     */
    private static String reason(Exception error) {
        String words = error instanceof PermanentFailure ? Explain.clean(error.getMessage())
                : Explain.forPeople(error, null);
        return words == null || words.isBlank()
                ? "an unexpected error in the service (the log has it, at this job's id)" : words;
    }

    /** Every cause's message, for the log line of a retry (the stack trace is the failure's, at the last one). */
    private static String chain(Throwable error) {
        StringBuilder out = new StringBuilder();
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            out.append(out.length() == 0 ? "" : " <- ").append(t.getClass().getSimpleName()).append(": ")
                    .append(Redaction.redact(String.valueOf(t.getMessage())));
        }
        return out.toString();
    }
}
