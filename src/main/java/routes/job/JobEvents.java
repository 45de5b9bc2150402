package routes.job;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import routes.db.Database;
import routes.db.Dialect;

/**
 * The outbox of job changes (table {@code job_events}). Every change of a job appends an event in the transaction
 * of the change, so an event exists exactly when its change committed. The writer takes no {@code seq}: the relay
 * numbers committed events ({@link #sequence}), in the order they were inserted, per project from the project's
 * {@code event_seq}, in one transaction under its lease. So writers of one project do not queue behind each other's
 * commits, seq has no gap, and a reader that has seen seq n will never later find an event below it. A job's events
 * are numbered in the order of its changes: each change waits for the previous one's row lock, so its event is
 * inserted after the previous event committed.
 */
public final class JobEvents {

    public static final String CREATED = "ingest.job.created";
    public static final String UPDATED = "ingest.job.updated";
    public static final String CANCELLED = "ingest.job.cancelled";
    public static final String DELETED = "ingest.job.deleted";
    public static final String SNAPSHOT = "ingest.job.snapshot";

    /** An event as clients and the audit topic receive it. */
    @JsonPropertyOrder({"seq", "type", "job", "timestamp"})
    public record Event(@JsonProperty("seq") long seq, @JsonProperty("type") String type,
            @JsonProperty("job") IngestJob job, @JsonProperty("timestamp") Instant timestamp) {
    }

    /**
     * A stored event: its keys for routing and filtering, and its JSON exactly as it is sent. On the audit topic it
     * carries them as JMS properties (project_id, job_id, seq, type, status: strings or numbers, JMS properties carry
     * no other types) and {@code project:seq} as its duplicate-detection id, so that an event sent twice (a relay that
     * died before marking its batch) is delivered once.
     */
    public record Stored(UUID projectId, long seq, UUID jobId, String type, String status, String payload)
            implements routes.messaging.DurableBatch.Message {
        @Override
        public String text() {
            return payload;
        }

        @Override
        public String duplicateId() {
            return projectId + ":" + seq;
        }

        @Override
        public java.util.Map<String, Object> properties() {
            return java.util.Map.of("project_id", projectId.toString(), "job_id", jobId.toString(), "seq", seq,
                    "type", type, "status", status);
        }
    }

    private final Database db;
    private final ObjectMapper json;

    public JobEvents(Database db, ObjectMapper json) {
        this.db = db;
        this.json = json;
    }

    /**
     * The stored payload of an event not yet numbered starts with this; reading it back puts the event's seq in its
     * place ({@link Event}'s first property), so the payload is written once and never rewritten.
     */
    private static final String UNNUMBERED = "{\"seq\":0,";

    /** Appends the event of a change the caller's transaction just made to {@code job}; the relay numbers it. */
    public void append(Connection c, IngestJob job, String type) throws SQLException {
        Instant now = Dialect.now();
        db.update(c, "INSERT INTO job_events (project_id, job_id, type, status, payload, created_at)"
                + " VALUES (?, ?, ?, ?, ?, ?)", job.projectId(), job.id(), type, job.status().toString(),
                payload(new Event(0, type, job, now)), now);
    }

    /**
     * Numbers up to {@code limit} committed events that have no seq yet, oldest first, while {@code owner} holds the
     * relay lease (its row is locked for the transaction, so a relay taking over waits, and then finds them
     * numbered). Returns how many it numbered; 0 when the lease is another instance's.
     */
    public int sequence(String owner, int limit) {
        // a read first: an idle relay ticking every 100 ms must not write (and sync) a transaction each time
        if (db.read(c -> db.queryOne(c, "SELECT 1 FROM job_events WHERE seq IS NULL LIMIT 1", rs -> 1)).isEmpty()) {
            return 0;
        }
        return db.inTransaction(c -> {
            if (db.update(c, "UPDATE event_relay SET owner = owner WHERE name = 'audit' AND owner = ?", owner) != 1) {
                return 0;
            }
            List<Object[]> events = db.query(c, "SELECT id, project_id FROM job_events WHERE seq IS NULL ORDER BY id"
                    + " LIMIT ?", rs -> new Object[] {rs.getLong("id"), db.dialect().uuid(rs, "project_id")}, limit);
            java.util.Map<UUID, Integer> perProject = new java.util.LinkedHashMap<>();
            for (Object[] e : events) {
                perProject.merge((UUID) e[1], 1, Integer::sum);
            }
            java.util.Map<UUID, Long> next = new java.util.HashMap<>();
            for (var p : perProject.entrySet()) {
                long last = db.queryOne(c, "UPDATE projects SET event_seq = event_seq + ? WHERE id = ? RETURNING event_seq",
                        rs -> rs.getLong(1), p.getValue(), p.getKey()).orElseThrow();
                next.put(p.getKey(), last - p.getValue() + 1);
            }
            List<Object[]> numbers = new java.util.ArrayList<>(events.size());
            for (Object[] e : events) {
                numbers.add(new Object[] {next.merge((UUID) e[1], 1L, Long::sum) - 1, e[0]});
            }
            db.updateBatch(c, "UPDATE job_events SET seq = ? WHERE id = ?", numbers);
            return events.size();
        });
    }

    public String payload(Event event) {
        try {
            return json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an event as JSON", e);
        }
    }

    /** Events not yet on the audit topic, oldest first within each project. */
    public List<Stored> unpublished(int limit) {
        return db.read(c -> db.query(c, "SELECT project_id, seq, job_id, type, status, payload FROM job_events"
                + " WHERE published_at IS NULL AND seq IS NOT NULL ORDER BY project_id, seq LIMIT ?", this::stored, limit));
    }

    /**
     * Marks a relayed batch: one UPDATE per project, up to the batch's highest seq of it. Nothing unpublished below
     * that seq can be missing from the batch: a project's events commit in seq order, so all of them were visible
     * when the batch was read.
     */
    public void markPublished(List<Stored> events) {
        if (events.isEmpty()) {
            return;
        }
        java.util.Map<UUID, Long> highest = new java.util.LinkedHashMap<>();
        for (Stored e : events) {
            highest.merge(e.projectId(), e.seq(), Math::max);
        }
        Instant now = Dialect.now();
        db.inTransaction(c -> {
            for (var e : highest.entrySet()) {
                db.update(c, "UPDATE job_events SET published_at = ? WHERE project_id = ? AND seq <= ?"
                        + " AND published_at IS NULL", now, e.getKey(), e.getValue());
            }
            return null;
        });
    }

    /** How long the oldest event not yet on the audit topic has waited, in seconds (0 when none waits). */
    public double relayLagSeconds() {
        return db.read(c -> db.queryOne(c, "SELECT MIN(created_at) AS oldest FROM job_events WHERE published_at IS NULL",
                rs -> java.util.Optional.ofNullable(db.dialect().instant(rs, "oldest")))).flatMap(o -> o)
                .map(t -> Math.max(0, (Dialect.now().toEpochMilli() - t.toEpochMilli()) / 1000.0)).orElse(0.0);
    }

    /** A project's events after {@code seq}, in order; of one job only when {@code jobId} is given. */
    public List<Stored> after(UUID projectId, UUID jobId, long seq, int limit) {
        return db.read(c -> jobId == null
                ? db.query(c, "SELECT project_id, seq, job_id, type, status, payload FROM job_events"
                        + " WHERE project_id = ? AND seq > ? ORDER BY seq LIMIT ?", this::stored, projectId, seq, limit)
                : db.query(c, "SELECT project_id, seq, job_id, type, status, payload FROM job_events"
                        + " WHERE job_id = ? AND project_id = ? AND seq > ? ORDER BY seq LIMIT ?", this::stored, jobId,
                        projectId, seq, limit));
    }

    /** The project's last seq and the highest purged one, read together. */
    public record Position(long lastSeq, long purgedSeq) {
    }

    public Optional<Position> position(UUID projectId) {
        return db.read(c -> position(c, projectId));
    }

    private Optional<Position> position(Connection c, UUID projectId) throws SQLException {
        return db.queryOne(c, "SELECT event_seq, events_purged_seq FROM projects WHERE id = ?",
                rs -> new Position(rs.getLong(1), rs.getLong(2)), projectId);
    }

    /** Current snapshots, taken with the seq they are current at; visible jobs only, newest first. */
    public record Snapshot(long seq, List<IngestJob> jobs) {
    }

    public Optional<Snapshot> snapshot(UUID projectId, UUID jobId, JobStore jobs, int limit) {
        return db.readTransaction(c -> {
            Optional<Position> position = position(c, projectId);
            if (position.isEmpty()) {
                return Optional.<Snapshot>empty();
            }
            List<IngestJob> current = jobId != null
                    ? jobs.find(c, projectId, jobId).map(List::of).orElse(List.of())
                    : jobs.latest(c, projectId, limit);
            return Optional.of(new Snapshot(position.get().lastSeq(), current));
        });
    }

    /**
     * Retention: removes published events older than {@code cutoff} and remembers, per project, the highest seq it
     * removed, so that a resume from before it is told so instead of silently missing events.
     */
    public int purge(Instant cutoff) {
        return db.inTransaction(c -> {
            List<Object[]> highest = db.query(c, "SELECT project_id, MAX(seq) AS m FROM job_events WHERE created_at < ?"
                    + " AND published_at IS NOT NULL GROUP BY project_id",
                    rs -> new Object[] {db.dialect().uuid(rs, "project_id"), rs.getLong("m")}, cutoff);
            int removed = 0;
            for (Object[] row : highest) {
                db.update(c, "UPDATE projects SET events_purged_seq = ? WHERE id = ? AND events_purged_seq < ?",
                        row[1], row[0], row[1]);
                removed += db.update(c, "DELETE FROM job_events WHERE project_id = ? AND seq <= ? AND published_at IS NOT NULL",
                        row[0], row[1]);
            }
            return removed;
        });
    }

    /**
     * The relay lease: true when {@code owner} holds it now (taken, renewed, or taken over after it ran out). One
     * instance relays at a time; the broker's duplicate detection covers a take-over that repeats a few events.
     */
    public boolean holdRelay(String owner, java.time.Duration lease) {
        // the database's clock: an instance whose clock runs ahead must not take the lease of one still relaying
        return db.inTransaction(c -> db.update(c, "UPDATE event_relay SET owner = ?, lease_until = "
                + db.dialect().clockPlusMillis() + " WHERE name = 'audit' AND (owner IS NULL OR owner = ? OR lease_until < "
                + db.dialect().clock() + ")", owner, lease.toMillis(), owner) == 1);
    }

    private Stored stored(java.sql.ResultSet rs) throws SQLException {
        long seq = rs.getLong("seq");
        String payload = rs.getString("payload");
        if (payload.startsWith(UNNUMBERED)) {
            payload = "{\"seq\":" + seq + "," + payload.substring(UNNUMBERED.length());
        }
        return new Stored(db.dialect().uuid(rs, "project_id"), seq, db.dialect().uuid(rs, "job_id"),
                rs.getString("type"), rs.getString("status"), payload);
    }
}
