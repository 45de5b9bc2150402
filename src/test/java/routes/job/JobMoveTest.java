package routes.job;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The table of moves, read as a reader of the README would: every allowed move in one place. */
class JobMoveTest {

    @Test
    void aClaimTakesAQueuedJobAndATakeOverARunningOneWhoseLeaseRanOut() {
        assertThat(JobMove.CLAIM.from()).containsExactly(JobStatus.QUEUED);
        assertThat(JobMove.CLAIM.target(JobStatus.QUEUED)).contains(JobStatus.RUNNING);
        assertThat(JobMove.CLAIM.lease()).isEqualTo(JobMove.Lease.ANY);
        assertThat(JobMove.TAKE_OVER.from()).containsExactly(JobStatus.RUNNING);
        assertThat(JobMove.TAKE_OVER.target(JobStatus.RUNNING)).contains(JobStatus.RUNNING);
        assertThat(JobMove.TAKE_OVER.lease()).isEqualTo(JobMove.Lease.EXPIRED);
    }

    @Test
    void onlyTheAttemptHoldingTheJobMovesItOn() {
        for (JobMove move : new JobMove[] {JobMove.PROGRESS, JobMove.RETRY, JobMove.COMPLETE, JobMove.FAIL}) {
            assertThat(move.lease()).as(move.name()).isEqualTo(JobMove.Lease.HELD);
            assertThat(move.from()).as(move.name()).containsExactly(JobStatus.RUNNING);
        }
        assertThat(JobMove.RETRY.target(JobStatus.RUNNING)).contains(JobStatus.QUEUED);
    }

    @Test
    void deleteCancelsAQueuedJobKeepsAFinishedOneAndLeavesARunningOneAlone() {
        assertThat(JobMove.DELETE.target(JobStatus.QUEUED)).contains(JobStatus.CANCELLED);
        assertThat(JobMove.DELETE.target(JobStatus.RUNNING)).isEmpty();
        for (JobStatus finished : new JobStatus[] {JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED}) {
            assertThat(JobMove.DELETE.target(finished)).contains(finished);
        }
    }

    @Test
    void theStatusRulesAreDerivedFromTheTable() {
        // a take-over keeps the status: it is a move, not a status change
        assertThat(JobStatus.RUNNING.canMoveTo(JobStatus.RUNNING)).isFalse();
        for (JobStatus status : JobStatus.values()) {
            boolean leaves = false;
            for (JobMove move : JobMove.values()) {
                leaves |= move.target(status).filter(t -> t != status).isPresent();
            }
            assertThat(status.isTerminal()).as(status.toString()).isEqualTo(!leaves);
        }
    }

    @Test
    void theSqlOfAMoveIsBuiltFromItsRow() {
        assertThat(MoveSql.where(JobMove.TAKE_OVER, routes.db.Dialect.POSTGRESQL))
                .isEqualTo("deleted_at IS NULL AND status IN ('running') AND lease_expires_at < statement_timestamp()");
        assertThat(MoveSql.where(JobMove.CANCEL, routes.db.Dialect.SQLITE)).isEqualTo("deleted_at IS NULL AND status IN ('queued', 'running')");
        assertThat(MoveSql.newStatus(JobMove.DELETE)).isEqualTo("CASE status WHEN 'queued' THEN 'cancelled' ELSE status END");
        assertThat(MoveSql.changesStatus(JobMove.DELETE)).isEqualTo("status IN ('queued')");
    }
}
