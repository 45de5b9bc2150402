package routes.job;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import routes.db.Database;
import routes.db.Dialect;

/**
 * The ingest_jobs table. Every change of a job is a conditional UPDATE whose WHERE clause allows only its move of
 * {@link JobMove}'s table ({@link MoveSql}); a caller learns from the row count whether its move happened.
 */
public final class JobStore {

    private static final String COLUMNS = "id, project_id, source_id, source_path, source_uri, original_filename, "
            + "byte_size, mime_type, checksum, stage, status, progress, message, error_message, canonical_document_id, "
            + "task_id, attempts, created_at, updated_at, started_at, completed_at, deleted_at, document_key, superseded_by";

    private static final Logger LOG = LoggerFactory.getLogger(JobStore.class);

    private final Database db;

    /** Appends the event of every change, in the change's transaction. */
    private final JobEvents events;
    private final Observer observer;

    /**
     * Told of every change this store makes (metrics count them). Called inside the change's transaction: it must
     * not fail and not block.
     */
    public interface Observer {
        Observer NONE = new Observer() {
        };

        default void created(IngestJob job) {
        }

        default void moved(IngestJob job, JobMove move) {
        }
    }

    public JobStore(Database db, JobEvents events) {
        this(db, events, Observer.NONE);
    }

    public JobStore(Database db, JobEvents events, Observer observer) {
        this(db, events, observer, 10_000);
    }

    /** @param exactTotalLimit a listing's total is counted exactly up to this many matches, estimated above */
    public JobStore(Database db, JobEvents events, Observer observer, int exactTotalLimit) {
        this.events = events;
        this.db = db;
        this.observer = observer;
        this.exactTotalLimit = exactTotalLimit;
    }

    private final int exactTotalLimit;

    public void insert(Connection c, IngestJob job) throws SQLException {
        db.update(c, "INSERT INTO ingest_jobs (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                + " ?, ?, ?, ?, ?, ?, ?, ?)",
                job.id(), job.projectId(), job.sourceId(), job.sourcePath(), job.sourceUri(), job.originalFilename(),
                job.byteSize(), job.mimeType(), job.checksum(), job.stage(), job.status(), job.progress(),
                job.message(), job.errorMessage(), job.canonicalDocumentId(), job.taskId(), job.attempts(),
                job.createdAt(), job.updatedAt(), job.startedAt(), job.completedAt(), job.deletedAt(),
                job.documentKey(), job.supersededBy());
        events.append(c, job, JobEvents.CREATED);
        // counted and logged once committed: a job whose commit fails was never created
        db.afterCommit(c, () -> {
            observer.created(job);
            logTransition(job, JobEvents.CREATED, true);
        });
    }

    /** After an UPDATE that changed the job (n == 1): its event, with the job as it now is. */
    private boolean changed(Connection c, int n, UUID jobId, String type, JobMove move) throws SQLException {
        return changedJob(c, n, jobId, type, move, true).isPresent();
    }

    private Optional<IngestJob> changedJob(Connection c, int n, UUID jobId, String type, JobMove move)
            throws SQLException {
        return changedJob(c, n, jobId, type, move, true);
    }

    /** The same, handing back the job as it now is (read once, for the event and the caller). */
    /** {@code transition}: the change is worth a log line (a status, or a stage entered), not a progress step. */
    private Optional<IngestJob> changedJob(Connection c, int n, UUID jobId, String type, JobMove move,
            boolean transition) throws SQLException {
        if (n != 1) {
            return Optional.empty();
        }
        IngestJob job = db.queryOne(c, "SELECT " + COLUMNS + " FROM ingest_jobs WHERE id = ?", this::map, jobId).orElseThrow();
        events.append(c, job, type);
        db.afterCommit(c, () -> {
            observer.moved(job, move);
            if (transition || LOG.isDebugEnabled()) {
                logTransition(job, type, transition);
            }
        });
        return Optional.of(job);
    }

    private String where(JobMove move) {
        return MoveSql.where(move, db.dialect());
    }

    /** The database's clock plus the milliseconds bound at its place. */
    private String clockPlus() {
        return db.dialect().clockPlusMillis();
    }

    /** One line per transition, with the job and its project in the MDC (job_id, project_id) for log search. */
    private static void logTransition(IngestJob job, String type, boolean info) {
        MDC.put("job_id", job.id().toString());
        MDC.put("project_id", job.projectId().toString());
        try {
            String line = "{} status={} stage={} attempt={} project={}: {}";
            Object[] args = {type.substring(type.lastIndexOf('.') + 1), job.status(), job.stage(), job.attempts(),
                job.projectId(), job.message()};
            if (info) {
                LOG.info(line, args);
            } else {
                LOG.debug(line, args);
            }
        } finally {
            MDC.remove("job_id");
            MDC.remove("project_id");
        }
    }

    /**
     * Records the relay's hand-off of new jobs, sent with the task ids they were created with. A job a worker claimed
     * before this write keeps its running state.
     */
    public void markRelayed(List<JobRelay.Handoff> sent) {
        if (sent.isEmpty()) {
            return;
        }
        String clock = db.dialect().clock();
        String marks = Database.marks(sent.size());
        db.inTransaction(c -> db.update(c, "UPDATE ingest_jobs SET handed_off_at = " + clock
                + ", next_attempt_at = CASE WHEN status = '" + JobStatus.QUEUED + "' THEN COALESCE(next_attempt_at, "
                + clock + ") ELSE next_attempt_at END WHERE handed_off_at IS NULL AND id IN (" + marks + ")",
                sent.stream().map(JobRelay.Handoff::jobId).toArray()));
    }

    /**
     * New jobs committed {@code graceSeconds} ago or longer that the relay has not handed off (their instance died
     * before it could, the broker was unreachable, its backlog was full), with the task ids they were created with.
     */
    public List<JobRelay.Handoff> unsent(int graceSeconds, int max) {
        return unsentBefore(Dialect.now().minusSeconds(graceSeconds), max);
    }

    /** New jobs last changed before {@code cutoff} that no relay has handed off, with their task ids. */
    public List<JobRelay.Handoff> unsentBefore(Instant cutoff, int max) {
        return db.read(c -> db.query(c, "SELECT id, task_id FROM ingest_jobs WHERE " + where(JobMove.CLAIM)
                + " AND handed_off_at IS NULL AND updated_at < ? ORDER BY created_at LIMIT ?",
                rs -> new JobRelay.Handoff(db.dialect().uuid(rs, "id"), rs.getString("task_id")), cutoff, max));
    }

    /** Jobs committed and waiting for their first hand-off to the job queue (the relay's or recovery's). */
    public long awaitingHandoff() {
        return db.read(c -> db.queryOne(c, "SELECT COUNT(*) FROM ingest_jobs WHERE status = '" + JobStatus.QUEUED
                + "' AND handed_off_at IS NULL AND deleted_at IS NULL", rs -> rs.getLong(1)).orElse(0L));
    }

    /** Records the hand-off of a job's current message: its broker message id becomes the task_id. */
    public void handedOff(String jobId, String taskId) {
        String clock = db.dialect().clock();
        db.inTransaction(c -> db.update(c, "UPDATE ingest_jobs SET task_id = ?, handed_off_at = " + clock
                + ", next_attempt_at = COALESCE(next_attempt_at, " + clock + ") WHERE id = ?", taskId, UUID.fromString(jobId)));
    }

    /**
     * running -> queued after a failed attempt that will be retried in {@code delayMillis} (by the database's clock).
     * {@code counted}: false when the attempt was not the job's fault (handed back at shutdown, storage out of reach),
     * so that restarts and outages never use up a job's budget; the attempt still counts among those that began.
     * {@code maxAttempts}: the budget of the retry policy that judged the attempt (null: unchanged). False when the
     * job was cancelled or taken over meanwhile.
     */
    public boolean requeue(UUID jobId, String owner, String error, String message, long delayMillis, boolean counted,
            Integer maxAttempts) {
        return requeue(JobMove.RETRY, jobId, owner, error, message, delayMillis, counted, maxAttempts);
    }

    /** running -> queued at shutdown ({@link JobMove#HAND_BACK}): at once, not counted against the job's budget. */
    public boolean handBack(UUID jobId, String owner, String message) {
        return requeue(JobMove.HAND_BACK, jobId, owner, null, message, 0, false, null);
    }

    private boolean requeue(JobMove move, UUID jobId, String owner, String error, String message, long delayMillis,
            boolean counted, Integer maxAttempts) {
        Instant now = Dialect.now();
        return db.inTransaction(c -> changed(c, db.update(c, "UPDATE ingest_jobs SET status = " + MoveSql.newStatus(move)
                + ", error_message = ?, message = ?, next_attempt_at = " + clockPlus() + ", updated_at = ?,"
                + " spared_attempts = spared_attempts + ?, max_attempts = COALESCE(?, max_attempts),"
                + " lease_owner = NULL, lease_expires_at = NULL"
                + " WHERE id = ? AND " + where(move),
                error, message, delayMillis, now, counted ? 0 : 1, maxAttempts, jobId, owner), jobId, JobEvents.UPDATED,
                move));
    }

    /** Extends the lease of attempts still running; called by the lease renewal route while they work. */
    public void renewLeases(java.util.Map<UUID, String> attempts, Duration lease) {
        if (attempts.isEmpty()) {
            return;
        }
        db.inTransaction(c -> {
            for (var e : attempts.entrySet()) {
                db.update(c, "UPDATE ingest_jobs SET lease_expires_at = " + clockPlus() + " WHERE id = ? AND "
                        + where(JobMove.PROGRESS), lease.toMillis(), e.getKey(), e.getValue());
            }
            return null;
        });
    }

    /** A visible (not soft-deleted) job of the project. */
    public Optional<IngestJob> find(UUID projectId, UUID jobId) {
        return db.read(c -> find(c, projectId, jobId));
    }

    public Optional<IngestJob> find(Connection c, UUID projectId, UUID jobId) throws SQLException {
        return db.queryOne(c, "SELECT " + COLUMNS + " FROM ingest_jobs WHERE id = ? AND project_id = ? AND deleted_at IS NULL",
                this::map, jobId, projectId);
    }

    /** Any job by id, deleted or not: for the worker, which must see a deletion to stop. */
    public Optional<IngestJob> findAny(UUID jobId) {
        return db.read(c -> db.queryOne(c, "SELECT " + COLUMNS + " FROM ingest_jobs WHERE id = ?", this::map, jobId));
    }

    public JobPage list(JobFilter filter) {
        StringBuilder where = new StringBuilder(" WHERE project_id = ? AND deleted_at IS NULL");
        List<Object> params = new ArrayList<>();
        params.add(filter.projectId());
        if (filter.status() != null) {
            where.append(" AND status = ?");
            params.add(filter.status());
        }
        if (filter.stage() != null) {
            where.append(" AND stage = ?");
            params.add(filter.stage());
        }
        if (filter.sourceId() != null) {
            where.append(" AND source_id = ?");
            params.add(filter.sourceId());
        }
        if (filter.current()) {
            where.append(" AND superseded_by IS NULL");
        }
        List<Object> pageParams = new ArrayList<>(params);
        StringBuilder pageWhere = new StringBuilder(where);
        if (filter.after() != null) {
            pageWhere.append(" AND (created_at < ? OR (created_at = ? AND id < ?))");
            pageParams.add(filter.after().createdAt());
            pageParams.add(filter.after().createdAt());
            pageParams.add(filter.after().id());
        }
        pageParams.add(filter.limit() + 1);
        return db.readTransaction(c -> {
            List<IngestJob> rows = db.query(c, "SELECT " + COLUMNS + " FROM ingest_jobs" + pageWhere
                    + " ORDER BY created_at DESC, id DESC LIMIT ?", this::map, pageParams.toArray());
            // counting stops past the limit: a full COUNT(*) of a million-job project costs 30 times a page
            List<Object> countParams = new ArrayList<>(params);
            countParams.add(exactTotalLimit + 1);
            long counted = db.queryOne(c, "SELECT COUNT(*) FROM (SELECT 1 FROM ingest_jobs" + where + " LIMIT ?) matches",
                    rs -> rs.getLong(1), countParams.toArray()).orElse(0L);
            boolean exact = counted <= exactTotalLimit;
            long total = exact ? counted : Math.max(counted, estimate(c, where.toString(), params));
            String next = null;
            if (rows.size() > filter.limit()) {
                rows = rows.subList(0, filter.limit());
                IngestJob last = rows.get(rows.size() - 1);
                next = new JobCursor(last.createdAt(), last.id()).encode();
            }
            return new JobPage(List.copyOf(rows), next, total, exact);
        });
    }

    /**
     * The planner's estimate of the matches, on PostgreSQL (its statistics, no scan); 0 where there is none (SQLite:
     * the total is then the limit + 1, a lower bound).
     */
    private long estimate(Connection c, String where, List<Object> params) throws SQLException {
        if (db.dialect() != Dialect.POSTGRESQL) {
            return 0;
        }
        try {
            String plan = String.join("\n", db.query(c, "EXPLAIN (FORMAT JSON) SELECT 1 FROM ingest_jobs" + where,
                    rs -> rs.getString(1), params.toArray()));
            java.util.regex.Matcher rows = java.util.regex.Pattern.compile("\"Plan Rows\":\\s*([0-9.]+)").matcher(plan);
            return rows.find() ? (long) Double.parseDouble(rows.group(1)) : 0;
        } catch (SQLException e) {
            LOG.debug("No row estimate for a listing: {}", e.getMessage());
            return 0;
        }
    }

    /** The outcome of a conditional status change: the job as it is now, and whether this call moved it. */
    public record Transition(IngestJob job, boolean moved) {
    }

    /** queued|running -> cancelled. Empty when the job is unknown. */
    public Optional<Transition> cancel(UUID projectId, UUID jobId) {
        Instant now = Dialect.now();
        return db.inTransaction(c -> {
            int moved = db.update(c, "UPDATE ingest_jobs SET status = " + MoveSql.newStatus(JobMove.CANCEL)
                    + ", completed_at = ?, updated_at = ?, message = 'Cancelled by request', "
                    + "lease_owner = NULL, lease_expires_at = NULL WHERE id = ? AND project_id = ? AND "
                    + where(JobMove.CANCEL),
                    now, now, jobId, projectId);
            Optional<IngestJob> cancelled = changedJob(c, moved, jobId, JobEvents.CANCELLED, JobMove.CANCEL);
            if (cancelled.isPresent()) {
                return Optional.of(new Transition(cancelled.get(), true));
            }
            return find(c, projectId, jobId).map(job -> new Transition(job, false));
        });
    }

    /**
     * Soft delete ({@link JobMove#DELETE}): a queued job is cancelled on the way, so no worker picks it up; finished
     * jobs keep their status; a running job is left alone. Returns the job as it was before, empty if unknown.
     */
    public Optional<IngestJob> softDelete(UUID projectId, UUID jobId) {
        Instant now = Dialect.now();
        return db.inTransaction(c -> {
            Optional<IngestJob> before = find(c, projectId, jobId);
            // completed_at is set where the move changes the status (queued -> cancelled); SET reads the old status.
            int n = db.update(c, "UPDATE ingest_jobs SET deleted_at = ?, updated_at = ?,"
                    + " completed_at = CASE WHEN " + MoveSql.changesStatus(JobMove.DELETE) + " THEN ? ELSE completed_at END,"
                    + " status = " + MoveSql.newStatus(JobMove.DELETE)
                    + " WHERE id = ? AND project_id = ? AND " + where(JobMove.DELETE),
                    now, now, now, jobId, projectId);
            changed(c, n, jobId, JobEvents.DELETED, JobMove.DELETE);
            return before;
        });
    }

    /**
     * A job taken for one attempt: the job as it now is, how many of its attempts count against its budget (this one
     * included; hand-backs and waits for storage do not count), and whether it was taken over from a worker that
     * vanished.
     */
    public record Claim(IngestJob job, int charged, boolean takenOver) {
    }

    /**
     * Takes a job for one attempt ({@link JobMove#CLAIM} of a queued job, or {@link JobMove#TAKE_OVER} of a running
     * one whose lease ran out: its worker vanished). Exactly one of several racing workers wins; the others get
     * empty. The attempt starts in the fetch stage: one write less per job, and each write is a commit the job waits
     * for.
     *
     * <p>The budget: the route's retry policy that last judged the job ({@code max_attempts}, written by
     * {@link #requeue}), else {@code defaultMaxAttempts} (1 + cortex.task.max-retries). A failure with an outcome
     * ends at the policy's last attempt by itself; a job found claimable with its budget used up had its last
     * attempt end without any outcome: the worker vanished (a document that kills its worker, out of memory, a
     * crash), and the job fails ({@link JobMove#ABANDON}) instead of crash-looping the service.
     */
    public Optional<Claim> claim(UUID jobId, String owner, Duration lease, int defaultMaxAttempts) {
        Instant now = Dialect.now();
        String withinBudget = "attempts - spared_attempts < COALESCE(max_attempts, ?)";
        String set = "UPDATE ingest_jobs SET status = " + MoveSql.newStatus(JobMove.CLAIM)
                + ", attempts = attempts + 1, lease_owner = ?,"
                + " lease_expires_at = " + clockPlus() + ", started_at = COALESCE(started_at, ?), updated_at = ?,"
                + " next_attempt_at = NULL, stage = ?, progress = CASE WHEN progress > ? THEN progress ELSE ? END,"
                + " message = 'Fetching source'";
        return db.inTransaction(c -> {
            int n = db.update(c, set + " WHERE id = ? AND " + withinBudget + " AND " + where(JobMove.CLAIM),
                    owner, lease.toMillis(), now, now, JobStage.FETCH, JobStage.FETCH.progress(),
                    JobStage.FETCH.progress(), jobId, defaultMaxAttempts);
            JobMove move = JobMove.CLAIM;
            if (n == 0) {
                n = db.update(c, set + ", vanished_attempts = vanished_attempts + 1 WHERE id = ? AND " + withinBudget
                        + " AND " + where(JobMove.TAKE_OVER), owner, lease.toMillis(), now, now, JobStage.FETCH,
                        JobStage.FETCH.progress(), JobStage.FETCH.progress(), jobId, defaultMaxAttempts);
                move = JobMove.TAKE_OVER;
            }
            if (n == 1) {
                IngestJob job = changedJob(c, n, jobId, JobEvents.UPDATED, move).orElseThrow();
                int charged = db.queryOne(c, "SELECT attempts - spared_attempts FROM ingest_jobs WHERE id = ?",
                        rs -> rs.getInt(1), jobId).orElseThrow();
                if (move == JobMove.TAKE_OVER) {
                    db.afterCommit(c, () -> LOG.warn("Job {} taken over (attempt {}): the worker running it vanished"
                            + " without an outcome (killed, crashed or out of memory) and its lease ran out", jobId,
                            job.attempts()));
                }
                return Optional.of(new Claim(job, charged, move == JobMove.TAKE_OVER));
            }
            abandonIfUsedUp(c, jobId, defaultMaxAttempts, now);
            return Optional.<Claim>empty();
        });
    }

    /** A claimable job whose budget is used up: it fails, saying how its attempts ended. */
    private void abandonIfUsedUp(Connection c, UUID jobId, int defaultMaxAttempts, Instant now) throws SQLException {
        String claimable = "((" + where(JobMove.CLAIM) + ") OR (" + where(JobMove.TAKE_OVER) + "))";
        Optional<int[]> state = db.queryOne(c, "SELECT attempts, attempts - spared_attempts, COALESCE(max_attempts, ?),"
                + " vanished_attempts + CASE WHEN status = '" + JobStatus.RUNNING + "' THEN 1 ELSE 0 END"
                + " FROM ingest_jobs WHERE id = ? AND " + claimable, rs -> new int[] {rs.getInt(1), rs.getInt(2),
                    rs.getInt(3), rs.getInt(4)}, defaultMaxAttempts, jobId);
        if (state.isEmpty() || state.get()[1] < state.get()[2]) {
            return;
        }
        int[] s = state.get();
        String reason = s[3] > 0
                ? "Abandoned by its worker: " + s[1] + " attempts used, its budget (" + s[2] + ", from the retry"
                        + " policy); in " + s[3] + " of them the worker running it vanished without an outcome (killed,"
                        + " crashed or out of memory), the last one too: the document may crash or exhaust the worker"
                : "Its budget of " + s[2] + " attempts is used up (" + s[0] + " began, " + s[1] + " counted)";
        int abandoned = db.update(c, "UPDATE ingest_jobs SET status = '" + JobStatus.FAILED + "', error_message = ?,"
                + " message = 'Failed at stage ' || stage || ': ' || ?, completed_at = ?, updated_at = ?,"
                + " vanished_attempts = vanished_attempts + CASE WHEN status = '" + JobStatus.RUNNING + "' THEN 1"
                + " ELSE 0 END, lease_owner = NULL, lease_expires_at = NULL, next_attempt_at = NULL"
                + " WHERE id = ? AND attempts - spared_attempts >= COALESCE(max_attempts, ?) AND " + claimable,
                reason, reason, now, now, jobId, defaultMaxAttempts);
        changedJob(c, abandoned, jobId, JobEvents.UPDATED, JobMove.ABANDON);
        if (abandoned == 1) {
            db.afterCommit(c, () -> LOG.warn("Job {} failed: {}", jobId, reason));
        }
    }

    /**
     * Like {@link #advance}, and records what verification learned about the source: its size, and its SHA-256 and
     * type where the job had none. One write for both.
     */
    public boolean advance(UUID jobId, String owner, Duration lease, JobStage stage, double progress, String message,
            SourceFacts facts) {
        Instant now = Dialect.now();
        boolean stageEntered = progress == stage.progress();
        // progress never moves backwards in a job's visible history: a retry or a hand-back starts its stages again,
        // the bar stays where it was until the new attempt passes it
        return db.inTransaction(c -> changedJob(c, db.update(c, "UPDATE ingest_jobs SET stage = ?,"
                + " progress = CASE WHEN progress > ? THEN progress ELSE ? END, message = ?, updated_at = ?,"
                + " lease_expires_at = " + clockPlus() + ", byte_size = COALESCE(?, byte_size), checksum = COALESCE(checksum, ?),"
                + " mime_type = COALESCE(mime_type, ?)"
                + " WHERE id = ? AND " + where(JobMove.PROGRESS),
                stage, progress, progress, message, now, lease.toMillis(), facts.byteSize(), facts.checksum(),
                facts.mimeType(), jobId, owner), jobId, JobEvents.UPDATED, JobMove.PROGRESS, stageEntered).isPresent());
    }

    /**
     * running -> completed, with what the attempt learned about the source: its size, its SHA-256 where the job had
     * none, and its type as detected, which replaces whatever a request claimed (a path job's mime_type is a claim;
     * the bytes decide, as they do for an upload).
     */
    public boolean complete(Connection c, UUID jobId, String owner, UUID canonicalDocumentId, String message,
            SourceFacts facts) throws SQLException {
        Instant now = Dialect.now();
        boolean completed = changed(c, db.update(c, "UPDATE ingest_jobs SET status = " + MoveSql.newStatus(JobMove.COMPLETE)
                + ", stage = ?, progress = 1.0, message = ?,"
                + " error_message = NULL, canonical_document_id = ?, completed_at = ?, updated_at = ?, lease_owner = NULL,"
                + " lease_expires_at = NULL, byte_size = COALESCE(?, byte_size), checksum = COALESCE(checksum, ?),"
                + " mime_type = COALESCE(?, mime_type)"
                + " WHERE id = ? AND " + where(JobMove.COMPLETE),
                JobStage.DONE, message, canonicalDocumentId, now, now, facts.byteSize(),
                facts.checksum(), facts.mimeType(), jobId, owner), jobId, JobEvents.UPDATED, JobMove.COMPLETE);
        if (completed) {
            supersede(c, jobId);
            for (Completing listener : completing) {
                listener.completing(c, jobId);
            }
        }
        return completed;
    }

    /**
     * Told, inside the transaction that completes a job (after the versions it replaces are superseded), so that what
     * it keeps in memory can take the job in before the commit: the search index, which must never be without
     * either version of a document. What it did must be undone if the transaction rolls back
     * ({@link Database#afterRollback}).
     */
    @FunctionalInterface
    public interface Completing {
        void completing(Connection c, UUID jobId) throws SQLException;
    }

    private final List<Completing> completing = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Adds a {@link Completing} listener (the search index, where this instance serves search). */
    public void whenCompleting(Completing listener) {
        completing.add(listener);
    }

    /**
     * One version of each document: in the transaction that completes a job with a document key, every earlier
     * completed job of its project and key becomes superseded by it ({@link JobMove#SUPERSEDE}: it leaves search,
     * with an event each). Earlier is by creation: a job that completes after a newer one of the same key was
     * completed is superseded by that one at once. Completions of one key are serialised (PostgreSQL: a transaction
     * lock on the key; SQLite writes one at a time), so two versions never both stay current.
     */
    private void supersede(Connection c, UUID jobId) throws SQLException {
        Optional<IngestJob> completed = db.queryOne(c, "SELECT " + COLUMNS + " FROM ingest_jobs WHERE id = ?", this::map,
                jobId);
        if (completed.isEmpty() || completed.get().documentKey() == null) {
            return;
        }
        IngestJob job = completed.get();
        if (db.dialect() == Dialect.POSTGRESQL) {
            db.query(c, "SELECT pg_advisory_xact_lock(hashtextextended(? || ':' || ?, 0))", rs -> null,
                    job.projectId().toString(), job.documentKey());
        }
        String sameKey = "project_id = ? AND document_key = ? AND status = '" + JobStatus.COMPLETED
                + "' AND superseded_by IS NULL AND id <> ?";
        Optional<UUID> newer = db.queryOne(c, "SELECT id FROM ingest_jobs WHERE " + sameKey + " AND deleted_at IS NULL"
                + " AND (created_at > ? OR (created_at = ? AND id > ?)) ORDER BY created_at DESC, id DESC LIMIT 1",
                rs -> db.dialect().uuid(rs, "id"), job.projectId(), job.documentKey(), jobId, job.createdAt(),
                job.createdAt(), jobId);
        List<UUID> older = newer.isPresent() ? List.of(jobId)
                : db.query(c, "SELECT id FROM ingest_jobs WHERE " + sameKey + " AND (created_at < ? OR (created_at = ?"
                        + " AND id < ?))", rs -> db.dialect().uuid(rs, "id"), job.projectId(), job.documentKey(), jobId,
                        job.createdAt(), job.createdAt(), jobId);
        UUID by = newer.orElse(jobId);
        Instant now = Dialect.now();
        for (UUID id : older) {
            changed(c, db.update(c, "UPDATE ingest_jobs SET superseded_by = ?, updated_at = ? WHERE id = ? AND "
                    + where(JobMove.SUPERSEDE) + " AND superseded_by IS NULL", by, now, id), id, JobEvents.UPDATED,
                    JobMove.SUPERSEDE);
        }
    }

    /**
     * Retires a job ({@link JobMove#RETIRE}) in the caller's transaction: soft-deleted, cancelled if it had not
     * finished. False when it was already deleted.
     */
    public boolean retire(Connection c, UUID jobId) throws SQLException {
        Instant now = Dialect.now();
        return changed(c, db.update(c, "UPDATE ingest_jobs SET deleted_at = ?, updated_at = ?,"
                + " completed_at = CASE WHEN " + MoveSql.changesStatus(JobMove.RETIRE) + " THEN ? ELSE completed_at END,"
                + " message = CASE WHEN " + MoveSql.changesStatus(JobMove.RETIRE) + " THEN 'Retired: its source changed or is gone'"
                + " ELSE message END, lease_owner = NULL, lease_expires_at = NULL, status = " + MoveSql.newStatus(JobMove.RETIRE)
                + " WHERE id = ? AND " + where(JobMove.RETIRE), now, now, now, jobId), jobId, JobEvents.DELETED,
                JobMove.RETIRE);
    }

    /** What an attempt learned about its source; null where it learned nothing. */
    public record SourceFacts(Long byteSize, String checksum, String mimeType) {
    }

    /** Whether this attempt still holds the job: a read, for stages whose write is coalesced. */
    public boolean stillRunning(UUID jobId, String owner) {
        return db.read(c -> db.queryOne(c, "SELECT 1 FROM ingest_jobs WHERE id = ? AND " + where(JobMove.PROGRESS),
                rs -> rs.getInt(1), jobId, owner).isPresent());
    }

    /**
     * running -> failed at {@code stage}, the stage the attempt was in (its stage writes may have been coalesced:
     * the row's may lag). False when the job was cancelled or taken over meanwhile (their status stands).
     */
    public boolean fail(UUID jobId, String owner, String error, String message, JobStage stage) {
        Instant now = Dialect.now();
        return db.inTransaction(c -> changed(c, db.update(c, "UPDATE ingest_jobs SET status = " + MoveSql.newStatus(JobMove.FAIL)
                + ", error_message = ?, message = ?, stage = COALESCE(?, stage), completed_at = ?, updated_at = ?,"
                + " lease_owner = NULL, lease_expires_at = NULL WHERE id = ? AND " + where(JobMove.FAIL),
                error, message, stage, now, now, jobId, owner), jobId, JobEvents.UPDATED, JobMove.FAIL));
    }

    /**
     * Jobs whose message is gone: queued with its last hand-off and its due time both older than {@code staleSeconds}
     * (the message was lost), or running under a lease that ran out (the worker died). A re-sent job counts as handed
     * off again, so a backlog older than the stale limit is re-sent once per stale period, not on every sweep. (Jobs
     * never handed off are {@link #unsent}'s.)
     */
    public List<UUID> recoverable(int staleSeconds, int max) {
        String claimable = where(JobMove.CLAIM);
        String stale = clockPlus();
        return db.read(c -> db.query(c, "SELECT id FROM ingest_jobs WHERE"
                + " (" + claimable + " AND handed_off_at < " + stale
                + " AND (next_attempt_at IS NULL OR next_attempt_at < " + stale + "))"
                + " OR (" + where(JobMove.TAKE_OVER) + ") ORDER BY created_at LIMIT ?",
                rs -> db.dialect().uuid(rs, "id"), -staleSeconds * 1000L, -staleSeconds * 1000L, max));
    }

    /** These jobs, deleted or not, in the order of {@code ids} (unknown ids are left out). */
    public List<IngestJob> findAll(List<UUID> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        String marks = Database.marks(ids.size());
        java.util.Map<UUID, IngestJob> found = new java.util.HashMap<>();
        db.read(c -> db.query(c, "SELECT " + COLUMNS + " FROM ingest_jobs WHERE id IN (" + marks + ")", this::map,
                ids.toArray())).forEach(j -> found.put(j.id(), j));
        return ids.stream().map(found::get).filter(java.util.Objects::nonNull).toList();
    }

    /** Which of these job ids have a row, deleted or not (the sweep keeps the objects of every job it knows). */
    public java.util.Set<UUID> known(java.util.Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return java.util.Set.of();
        }
        String marks = Database.marks(ids.size());
        return new java.util.HashSet<>(db.read(c -> db.query(c, "SELECT id FROM ingest_jobs WHERE id IN (" + marks + ")",
                rs -> db.dialect().uuid(rs, "id"), ids.toArray())));
    }

    /** The project's newest visible jobs, for stream snapshots. */
    List<IngestJob> latest(Connection c, UUID projectId, int limit) throws SQLException {
        return db.query(c, "SELECT " + COLUMNS + " FROM ingest_jobs WHERE project_id = ? AND deleted_at IS NULL"
                + " ORDER BY created_at DESC, id DESC LIMIT ?", this::map, projectId, limit);
    }

    IngestJob map(ResultSet rs) throws SQLException {
        Dialect d = db.dialect();
        return new IngestJob(d.uuid(rs, "id"), d.uuid(rs, "project_id"), rs.getString("source_path"),
                rs.getString("source_uri"), rs.getString("original_filename"), d.nullableLong(rs, "byte_size"),
                rs.getString("mime_type"), rs.getString("checksum"), JobStage.parse(rs.getString("stage")).orElseThrow(),
                d.instant(rs, "created_at"), d.instant(rs, "updated_at"), d.instant(rs, "started_at"),
                d.instant(rs, "completed_at"), d.instant(rs, "deleted_at"),
                JobStatus.parse(rs.getString("status")).orElseThrow(), rs.getDouble("progress"), rs.getString("message"),
                rs.getString("error_message"), d.uuid(rs, "canonical_document_id"), rs.getString("task_id"),
                d.uuid(rs, "source_id"), rs.getInt("attempts"), rs.getString("document_key"),
                d.uuid(rs, "superseded_by"));
    }
}
