package routes.processing;

import routes.job.JobStage;

/**
 * The test switches ({@code cortex.testing.*}), bound only when one of them is set: fail the first N attempts of
 * every job with a transient error as they fetch; pause at the start of every stage; pause before every file of a
 * tree. They let tests watch retries, cancels and crashes happen while a worker works.
 */
public final class FaultInjection implements StageHook {

    private final int failAttempts;
    private final long stageDelayMillis;
    private final long fileDelayMillis;

    public FaultInjection(int failAttempts, long stageDelayMillis, long fileDelayMillis) {
        this.failAttempts = failAttempts;
        this.stageDelayMillis = stageDelayMillis;
        this.fileDelayMillis = fileDelayMillis;
    }

    /** Whether any switch is on: without one, no fault injection is bound at all. */
    public boolean active() {
        return failAttempts > 0 || stageDelayMillis > 0 || fileDelayMillis > 0;
    }

    @Override
    public void beforeStage(JobRun run, JobStage stage) {
        pause(stageDelayMillis);
        if (stage == JobStage.FETCH && run.job().attempts() <= failAttempts) {
            throw new IllegalStateException("Simulated transient failure of attempt " + run.job().attempts()
                    + " (cortex.testing.fail-attempts)");
        }
    }

    @Override
    public void beforeFile(JobRun run) {
        pause(fileDelayMillis);
    }

    private static void pause(long millis) {
        if (millis == 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JobStopped("interrupted");
        }
    }
}
