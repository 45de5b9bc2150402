package routes.job;

import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The states of an ingest job and the one table of moves between them. Every status write in {@link JobStore} is a
 * conditional update whose WHERE clause is built from this table, so no write is last-write-wins.
 */
public enum JobStatus {
    QUEUED, RUNNING, COMPLETED, FAILED, CANCELLED;

    private static final Map<JobStatus, Set<JobStatus>> ALLOWED = Map.of(
            QUEUED, EnumSet.of(RUNNING, CANCELLED),
            // RUNNING -> QUEUED is a retry waiting for its next attempt.
            RUNNING, EnumSet.of(COMPLETED, FAILED, CANCELLED, QUEUED),
            COMPLETED, EnumSet.noneOf(JobStatus.class),
            FAILED, EnumSet.noneOf(JobStatus.class),
            CANCELLED, EnumSet.noneOf(JobStatus.class));

    public boolean canMoveTo(JobStatus next) {
        return ALLOWED.get(this).contains(next);
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

    public boolean isTerminal() {
        return ALLOWED.get(this).isEmpty();
    }

    public static Optional<JobStatus> parse(String value) {
        return LowercaseNames.parse(values(), value);
    }

    @Override
    public String toString() {
        return LowercaseNames.of(this);
    }
}
