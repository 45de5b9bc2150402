package routes.job;

import java.util.Set;
import java.util.stream.Collectors;

import routes.db.Dialect;

/**
 * {@link JobMove}'s table as SQL, for the conditional UPDATEs of {@link JobStore}: the WHERE condition that lets a
 * move happen only from its statuses and under its lease, and the new status it sets.
 */
final class MoveSql {

    private MoveSql() {
    }

    /**
     * The job is visible (not soft-deleted), in a status the move starts from, and its lease allows the move. Binds
     * one parameter after the statuses: the attempt for {@link JobMove.Lease#HELD}; none for the others. Whether a
     * lease ran out ({@link JobMove.Lease#EXPIRED}) is decided by the database's clock, the one clock all instances
     * share.
     */
    static String where(JobMove move, Dialect dialect) {
        String condition = "deleted_at IS NULL AND " + statusIn(move.from());
        return switch (move.lease()) {
            case ANY -> condition;
            case HELD -> condition + " AND lease_owner = ?";
            case EXPIRED -> condition + " AND lease_expires_at < " + dialect.clock();
        };
    }

    /** The job's status after the move: {@code CASE status WHEN 'queued' THEN 'cancelled' ... ELSE status END}. */
    static String newStatus(JobMove move) {
        StringBuilder sql = new StringBuilder("CASE status");
        for (JobStatus from : move.from()) {
            JobStatus to = move.target(from).orElseThrow();
            if (to != from) {
                sql.append(" WHEN '").append(from).append("' THEN '").append(to).append('\'');
            }
        }
        return sql.append(" ELSE status END").toString();
    }

    /** The job is in a status that the move changes (not one it keeps). */
    static String changesStatus(JobMove move) {
        return statusIn(move.from().stream().filter(s -> move.target(s).orElseThrow() != s).collect(Collectors.toSet()));
    }

    static String statusIn(Set<JobStatus> statuses) {
        return "status IN (" + statuses.stream().sorted().map(s -> "'" + s + "'").collect(Collectors.joining(", ")) + ")";
    }
}
