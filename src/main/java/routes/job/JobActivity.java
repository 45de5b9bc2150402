package routes.job;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import routes.db.Database;
import routes.db.Dialect;

/**
 * How many of a project's jobs finished (completed, failed, cancelled) in each minute of the last hour, counted by
 * the database over an index of (project, finish time), so a busy hour costs what a quiet one does. Deleted jobs are
 * left out, as the job list leaves them out. The dashboard's chart draws it.
 */
public final class JobActivity {

    /** Minutes in the window, the current one included. */
    public static final int MINUTES = 60;

    /** One minute: its start and the jobs that finished in it, by status. */
    @JsonPropertyOrder({"minute", "completed", "failed", "cancelled"})
    public record Minute(@JsonProperty("minute") Instant minute, @JsonProperty("completed") long completed,
            @JsonProperty("failed") long failed, @JsonProperty("cancelled") long cancelled) {
    }

    /** The window (from the first minute's start to the answer's time) and its minutes, oldest first. */
    @JsonPropertyOrder({"from", "to", "completed", "failed", "cancelled", "minutes"})
    public record LastHour(@JsonProperty("from") Instant from, @JsonProperty("to") Instant to,
            @JsonProperty("completed") long completed, @JsonProperty("failed") long failed,
            @JsonProperty("cancelled") long cancelled, @JsonProperty("minutes") List<Minute> minutes) {
    }

    private final Database db;

    public JobActivity(Database db) {
        this.db = db;
    }

    public LastHour lastHour(UUID projectId) {
        Instant now = Dialect.now();
        Instant from = now.truncatedTo(ChronoUnit.MINUTES).minus(MINUTES - 1, ChronoUnit.MINUTES);
        // the minute as text of one form on both databases: SQLite's timestamps are text of a fixed width
        String minute = db.dialect() == Dialect.POSTGRESQL
                ? "to_char(date_trunc('minute', completed_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD\"T\"HH24:MI')"
                : "substr(completed_at, 1, 16)";
        Map<Instant, long[]> counts = new LinkedHashMap<>();
        for (int i = 0; i < MINUTES; i++) {
            counts.put(from.plus(i, ChronoUnit.MINUTES), new long[3]);
        }
        db.read(c -> db.query(c, "SELECT " + minute + " AS minute, status, COUNT(*) AS n FROM ingest_jobs"
                + " WHERE project_id = ? AND completed_at >= ? AND deleted_at IS NULL"
                + " AND status IN ('completed', 'failed', 'cancelled') GROUP BY " + minute + ", status", rs -> {
                    long[] bin = counts.get(Instant.parse(rs.getString("minute") + ":00Z"));
                    if (bin != null) {
                        bin[switch (rs.getString("status")) {
                            case "completed" -> 0;
                            case "failed" -> 1;
                            default -> 2;
                        }] += rs.getLong("n");
                    }
                    return null;
                }, projectId, from));
        List<Minute> minutes = new ArrayList<>();
        long[] total = new long[3];
        counts.forEach((start, bin) -> {
            minutes.add(new Minute(start, bin[0], bin[1], bin[2]));
            for (int i = 0; i < 3; i++) {
                total[i] += bin[i];
            }
        });
        return new LastHour(from, now, total[0], total[1], total[2], minutes);
    }
}
