package routes.job;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JobStatusTest {

    @Test
    void allowsOnlyTheMovesOfTheTable() {
        assertThat(JobStatus.QUEUED.canMoveTo(JobStatus.RUNNING)).isTrue();
        assertThat(JobStatus.QUEUED.canMoveTo(JobStatus.CANCELLED)).isTrue();
        assertThat(JobStatus.QUEUED.canMoveTo(JobStatus.COMPLETED)).isFalse();
        assertThat(JobStatus.RUNNING.canMoveTo(JobStatus.QUEUED)).as("retry").isTrue();
        assertThat(JobStatus.RUNNING.canMoveTo(JobStatus.COMPLETED)).isTrue();
        assertThat(JobStatus.RUNNING.canMoveTo(JobStatus.FAILED)).isTrue();
        for (JobStatus terminal : new JobStatus[] {JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED}) {
            assertThat(terminal.isTerminal()).isTrue();
            for (JobStatus next : JobStatus.values()) {
                assertThat(terminal.canMoveTo(next)).as(terminal + " -> " + next).isFalse();
            }
        }
    }

    @Test
    void cancelIsReachableFromQueuedAndRunningOnly() {
        assertThat(JobStatus.sourcesOf(JobStatus.CANCELLED)).containsExactlyInAnyOrder(JobStatus.QUEUED, JobStatus.RUNNING);
    }

    @Test
    void parsesTheLowercaseNames() {
        assertThat(JobStatus.parse("running")).contains(JobStatus.RUNNING);
        assertThat(JobStatus.parse("RUNNING")).isEmpty();
        assertThat(JobStage.parse("index")).contains(JobStage.INDEX);
        assertThat(JobStage.INITIAL.progress()).isLessThan(JobStage.FETCH.progress());
        assertThat(JobStage.STORE.progress()).isLessThan(JobStage.DONE.progress());
    }
}
