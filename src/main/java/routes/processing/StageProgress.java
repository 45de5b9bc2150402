package routes.processing;

import routes.failure.Redaction;
import java.time.Duration;

import routes.job.JobStage;
import routes.job.JobStore;

/**
 * Records where an attempt is: its stage, progress and message, at most once per {@code progressInterval}: each
 * write is a commit the job waits for, and nobody watches a job at millisecond resolution. Each write checks that the
 * attempt still holds the job (a cancel, delete or take-over stops it here, with {@link JobStopped}).
 */
public final class StageProgress {

    private final JobStore jobs;
    private final Duration lease;
    private final Duration progressInterval;
    private final StageHook hook;
    private final JobClaims claims;
    private final Duration stageDeadline;
    /** How often a checkpoint within a step reads whether the job was cancelled (its deadline it checks always). */
    private static final long CHECKPOINT_READ_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);

    public StageProgress(JobStore jobs, Duration lease, Duration progressInterval, StageHook hook, JobClaims claims) {
        this(jobs, lease, progressInterval, hook, claims, Duration.ofDays(1));
    }

    /** @param stageDeadline the longest one stage of an attempt may run; past it the attempt fails (and may retry) */
    public StageProgress(JobStore jobs, Duration lease, Duration progressInterval, StageHook hook, JobClaims claims,
            Duration stageDeadline) {
        this.jobs = jobs;
        this.lease = lease;
        this.progressInterval = progressInterval;
        this.hook = hook;
        this.claims = claims;
        this.stageDeadline = stageDeadline;
    }

    /** The attempt enters {@code stage} (again, for a stage with several steps: its deadline runs from the first). */
    public void enter(JobRun run, JobStage stage, String message) {
        run.entered(stage, stageDeadline);
        hook.beforeStage(run, stage);
        record(run, stage, stage.progress(), message);
    }

    /**
     * Where a long step asks whether to go on, between reads or entries: the stage's deadline every time, a cancel
     * or take-over at most once a second (a read of the job).
     */
    public routes.source.Checkpoint checkpoint(JobRun run, JobStage stage) {
        long[] lastRead = {System.nanoTime()};
        return () -> {
            checkDeadline(run, stage);
            long now = System.nanoTime();
            if (now - lastRead[0] >= CHECKPOINT_READ_NANOS) {
                lastRead[0] = now;
                if (claims.stopping()) {
                    throw new JobHandedBack("the service is shutting down");
                }
                if (!jobs.stillRunning(run.job().id(), run.attempt())) {
                    throw new JobStopped("job " + run.job().id() + " is no longer running under this attempt");
                }
            }
        };
    }

    private void checkDeadline(JobRun run, JobStage stage) {
        if (System.nanoTime() > run.stageDeadlineNanos()) {
            throw new IllegalStateException("Stage " + stage + " ran longer than its deadline of "
                    + stageDeadline.toSeconds() + " s (CORTEX_WORKER_STAGE_DEADLINE_SECONDS)");
        }
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
        checkDeadline(run, stage);
        if (claims.stopping()) {
            throw new JobHandedBack("the service is shutting down");
        }
        long now = System.nanoTime();
        if (now - run.lastWriteNanos() < progressInterval.toNanos()) {
            // Within the interval of the attempt's last write neither written nor read: a small job runs its stages
            // in a few milliseconds and would pay a database round trip per stage for nothing. A cancel or take-over
            // is noticed at the next write (at most the interval later), and the completing transaction is
            // conditional on the attempt anyway, so a cancelled job is never completed.
            return;
        }
        boolean held = jobs.advance(run.job().id(), run.attempt(), lease, stage, progress, Redaction.redact(message),
                run.facts());
        run.wrote(now);
        if (!held) {
            throw new JobStopped("job " + run.job().id() + " is no longer running under this attempt");
        }
    }
}
