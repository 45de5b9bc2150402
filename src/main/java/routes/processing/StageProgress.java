package routes.processing;

import routes.failure.Redaction;
import java.time.Duration;

import routes.job.JobStage;
import routes.job.JobStore;

/**
 * Records where an attempt is: its stage, progress and message. Every step checks that the attempt still holds the
 * job (a cancel, delete or take-over stops it here, with {@link JobStopped}), but a step within
 * {@code progressInterval} of the attempt's last write is only read: each write is a commit the job waits for, and
 * nobody watches a job at millisecond resolution.
 */
public final class StageProgress {

    private final JobStore jobs;
    private final Duration lease;
    private final Duration progressInterval;
    private final StageHook hook;
    private final JobClaims claims;

    public StageProgress(JobStore jobs, Duration lease, Duration progressInterval, StageHook hook, JobClaims claims) {
        this.jobs = jobs;
        this.lease = lease;
        this.progressInterval = progressInterval;
        this.hook = hook;
        this.claims = claims;
    }

    /** The attempt enters {@code stage} (again, for a stage with several steps). */
    public void enter(JobRun run, JobStage stage, String message) {
        hook.beforeStage(run, stage);
        record(run, stage, stage.progress(), message);
    }

    /** A step within a stage, such as one file of a tree: also where a cancel is noticed. */
    public void step(JobRun run, JobStage stage, double progress, String message) {
        record(run, stage, progress, message);
    }

    /** Before each file of a tree. */
    public void beforeFile(JobRun run) {
        hook.beforeFile(run);
    }

    private void record(JobRun run, JobStage stage, double progress, String message) {
        if (claims.stopping()) {
            throw new JobHandedBack("the service is shutting down");
        }
        long now = System.nanoTime();
        boolean held;
        if (now - run.lastWriteNanos() >= progressInterval.toNanos()) {
            held = jobs.advance(run.job().id(), run.attempt(), lease, stage, progress, Redaction.redact(message),
                    run.facts());
            run.wrote(now);
        } else {
            held = jobs.stillRunning(run.job().id(), run.attempt());
        }
        if (!held) {
            throw new JobStopped("job " + run.job().id() + " is no longer running under this attempt");
        }
    }
}
