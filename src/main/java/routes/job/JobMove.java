package routes.job;

import static routes.job.JobStatus.CANCELLED;
import static routes.job.JobStatus.COMPLETED;
import static routes.job.JobStatus.FAILED;
import static routes.job.JobStatus.QUEUED;
import static routes.job.JobStatus.RUNNING;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every way a job's row may change, and from which statuses to which: the one table of the job's life. Each move
 * also says what it asks of the lease (who is running the job), and {@link JobStore} builds the WHERE clause of
 * the move's conditional UPDATE from this table, so no write is last-write-wins and no rule is stated twice.
 *
 * <pre>
 * move       from                           to                      lease
 * CLAIM      queued                         running                 -
 * TAKE_OVER  running                        running                 expired (its worker died)
 * PROGRESS   running                        running                 held by the attempt
 * RETRY      running                        queued                  held by the attempt
 * HAND_BACK  running                        queued                  held by the attempt
 * COMPLETE   running                        completed               held by the attempt
 * FAIL       running                        failed                  held by the attempt
 * ABANDON    queued, running                failed                  - (claimable, attempts used up)
 * CANCEL     queued, running                cancelled               -
 * DELETE     queued                         cancelled               -
 *            completed, failed, cancelled   (unchanged)             -
 * RETIRE     queued, running                cancelled               -
 *            completed, failed, cancelled   (unchanged)             -
 * SUPERSEDE  completed                      (unchanged)             -
 * </pre>
 */
public enum JobMove {
    /** A worker takes a queued job for an attempt. */
    CLAIM(Lease.ANY, Map.of(QUEUED, RUNNING)),
    /** A worker takes a running job whose lease ran out: the worker that held it died. */
    TAKE_OVER(Lease.EXPIRED, Map.of(RUNNING, RUNNING)),
    /** The attempt holding the job records its stage and progress, or extends its lease. */
    PROGRESS(Lease.HELD, Map.of(RUNNING, RUNNING)),
    /** A failed attempt that will be retried: the job waits queued for its next attempt. */
    RETRY(Lease.HELD, Map.of(RUNNING, QUEUED)),
    /** The service is shutting down: the attempt gives its job back to the queue at its next checkpoint. */
    HAND_BACK(Lease.HELD, Map.of(RUNNING, QUEUED)),
    COMPLETE(Lease.HELD, Map.of(RUNNING, COMPLETED)),
    FAIL(Lease.HELD, Map.of(RUNNING, FAILED)),
    /**
     * A job whose attempts are used up is claimable again (its last attempt ended without an outcome: the worker
     * died): it fails instead of being claimed.
     */
    ABANDON(Lease.ANY, Map.of(QUEUED, FAILED, RUNNING, FAILED)),
    /** A client's cancel; a running attempt notices it at its next step and stops. */
    CANCEL(Lease.ANY, Map.of(QUEUED, CANCELLED, RUNNING, CANCELLED)),
    /**
     * A client's soft delete: a queued job is cancelled on the way, so no worker picks it up; a finished job keeps
     * its status. A running job cannot be deleted: it must be cancelled first.
     */
    DELETE(Lease.ANY, Map.of(QUEUED, CANCELLED, COMPLETED, COMPLETED, FAILED, FAILED, CANCELLED, CANCELLED)),
    /**
     * The service soft-deletes a job whose source is gone or replaced (a mirrored object changed or was removed):
     * like a delete, and a running attempt is stopped too (it notices at its next step).
     */
    RETIRE(Lease.ANY, Map.of(QUEUED, CANCELLED, RUNNING, CANCELLED, COMPLETED, COMPLETED, FAILED, FAILED,
            CANCELLED, CANCELLED)),
    /**
     * A newer version of the same document (same project and document key) completed: this completed job leaves
     * search, in the transaction that completed the newer one. It stays listed, with superseded_by.
     */
    SUPERSEDE(Lease.ANY, Map.of(COMPLETED, COMPLETED));

    /** What a move asks of the job's lease. */
    public enum Lease {
        /** Nothing. */
        ANY,
        /** The moving attempt holds it ({@code lease_owner} is the attempt). */
        HELD,
        /** It ran out ({@code lease_expires_at} is past). */
        EXPIRED
    }

    private final Lease lease;
    private final Map<JobStatus, JobStatus> moves;

    JobMove(Lease lease, Map<JobStatus, JobStatus> moves) {
        this.lease = lease;
        this.moves = new EnumMap<>(moves);
    }

    public Lease lease() {
        return lease;
    }

    /** The statuses this move may start from. */
    public Set<JobStatus> from() {
        return EnumSet.copyOf(moves.keySet());
    }

    /** The status a job in {@code status} has after this move; empty when the move does not start from it. */
    public Optional<JobStatus> target(JobStatus status) {
        return Optional.ofNullable(moves.get(status));
    }
}
