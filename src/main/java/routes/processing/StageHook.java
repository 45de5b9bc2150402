package routes.processing;

import routes.job.JobStage;

/**
 * Called as an attempt enters a stage, before each file of a tree, and when the attempt ends: the metrics time the
 * stages here, and the {@code cortex.testing.*} switches bind {@link FaultInjection}, so that tests can slow a worker
 * down or fail it.
 */
public interface StageHook {

    /** The attempt holds the job now (its claim committed). */
    default void attemptStarted(JobRun run) {
    }

    default void beforeStage(JobRun run, JobStage stage) {
    }

    default void beforeFile(JobRun run) {
    }

    /** The attempt is over, however it ended. */
    default void afterAttempt(JobRun run) {
    }

    /** Both hooks, {@code first} first. */
    static StageHook both(StageHook first, StageHook second) {
        return new StageHook() {
            @Override
            public void attemptStarted(JobRun run) {
                first.attemptStarted(run);
                second.attemptStarted(run);
            }

            @Override
            public void beforeStage(JobRun run, JobStage stage) {
                first.beforeStage(run, stage);
                second.beforeStage(run, stage);
            }

            @Override
            public void beforeFile(JobRun run) {
                first.beforeFile(run);
                second.beforeFile(run);
            }

            @Override
            public void afterAttempt(JobRun run) {
                first.afterAttempt(run);
                second.afterAttempt(run);
            }
        };
    }
}
