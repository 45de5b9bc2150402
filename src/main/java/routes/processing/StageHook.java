package routes.processing;

import routes.job.JobStage;

/**
 * Called as an attempt enters a stage and before each file of a tree. Production binds {@link #NONE}; the
 * {@code cortex.testing.*} switches bind {@link FaultInjection}, so that tests can slow a worker down or fail it.
 */
public interface StageHook {

    StageHook NONE = new StageHook() {
    };

    default void beforeStage(JobRun run, JobStage stage) {
    }

    default void beforeFile(JobRun run) {
    }
}
