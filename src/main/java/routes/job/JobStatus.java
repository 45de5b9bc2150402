package routes.job;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The states of an ingest job. Which moves lead from one to another is {@link JobMove}'s table; this answers the
 * questions asked of it: may a job in this state come to be in that one, and is this state the end.
 */
public enum JobStatus {
    QUEUED, RUNNING, COMPLETED, FAILED, CANCELLED;

    /** Whether some move changes this status to {@code next} (a move that keeps the status is not a change). */
    public boolean canMoveTo(JobStatus next) {
        if (next == this) {
            return false;
        }
        for (JobMove move : JobMove.values()) {
            if (move.target(this).filter(next::equals).isPresent()) {
                return true;
            }
        }
        return false;
    }

    /** The states from which {@code target} may be reached. */
    public static Set<JobStatus> sourcesOf(JobStatus target) {
        Set<JobStatus> from = EnumSet.noneOf(JobStatus.class);
        for (JobStatus s : values()) {
            if (s.canMoveTo(target)) {
                from.add(s);
            }
        }
        return from;
    }

    /** No move changes this status: the job's life is over. */
    public boolean isTerminal() {
        for (JobStatus next : values()) {
            if (canMoveTo(next)) {
                return false;
            }
        }
        return true;
    }

    public static Optional<JobStatus> parse(String value) {
        return LowercaseNames.parse(values(), value);
    }

    @Override
    public String toString() {
        return LowercaseNames.of(this);
    }
}
