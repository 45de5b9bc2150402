package routes.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Locale;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import routes.failure.InvalidRequest;
import routes.failure.RefusedContent;
import routes.db.Database;
import routes.db.Dialect;
import routes.project.ProjectStore;
import routes.storage.ContentTypes;
import routes.storage.ObjectStore;
import routes.storage.ReceivedFile;
import routes.storage.TypeDetector;
import routes.storage.Sha256;
import routes.storage.StoredObject;

/**
 * Turns an accepted request into a committed, queued job. For stored content the object is written first and
 * removed again if the job row cannot be committed, so a failure leaves neither an object nor a job.
 */
public final class JobIntake {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(JobIntake.class);

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /**
     * More to write in the transaction that creates a job, so that it commits with the job or not at all (the watch
     * records the object it came from).
     */
    @FunctionalInterface
    public interface AlsoInTransaction {
        void write(Connection c, IngestJob job) throws SQLException;
    }

    /** What a new job is made from; null fields stay null on the job. */
    public record NewJob(UUID projectId, UUID sourceId, String sourcePath, String sourceUri, String originalFilename,
            Long byteSize, String mimeType, String checksum, String documentKey) {
    }

    private final Database db;
    private final JobStore jobs;
    private final IdempotencyKeys keys;
    private final ProjectStore projects;
    private final ObjectStore storage;
    private final TypeDetector detector = new TypeDetector();
    private final ContentTypes contentTypes;
    private final Path tempDir;
    private final long maxBytes;
    private final java.util.function.Function<UUID, String> taskIds;
    /** The most characters one document may yield (the worker's extract limit): text that cannot fit is refused here. */
    private final long maxChars;

    /** @param taskIds the task id of a new job's message, from its job id ({@link JobRelay#brokerTaskId}) */
    public JobIntake(Database db, JobStore jobs, IdempotencyKeys keys, ProjectStore projects, ObjectStore storage,
            ContentTypes contentTypes, Path tempDir, long maxBytes, long maxChars,
            java.util.function.Function<UUID, String> taskIds) {
        this.maxChars = maxChars;
        this.taskIds = taskIds;
        this.db = db;
        this.jobs = jobs;
        this.keys = keys;
        this.projects = projects;
        this.storage = storage;
        this.contentTypes = contentTypes;
        this.tempDir = tempDir;
        this.maxBytes = maxBytes;
    }

    /**
     * Creates every job of a batch in one transaction (jobs, their events, the Idempotency-Key, remembered with the
     * first job), with the given ids: all of them are committed, or none.
     */
    public List<IngestJob> createAll(List<NewJob> requests, List<UUID> ids, IdempotencyKeys.Key key) {
        return db.inTransaction(c -> {
            List<IngestJob> created = new java.util.ArrayList<>();
            java.util.Map<UUID, UUID> defaultSources = new java.util.HashMap<>();
            for (int i = 0; i < requests.size(); i++) {
                NewJob request = requests.get(i);
                UUID sourceId = request.sourceId();
                if (sourceId == null) {
                    sourceId = defaultSources.get(request.projectId());
                    if (sourceId == null) {
                        sourceId = projects.defaultSource(c, request.projectId());
                        defaultSources.put(request.projectId(), sourceId);
                    }
                }
                IngestJob job = queued(ids.get(i), request, sourceId);
                jobs.insert(c, job);
                created.add(job);
            }
            if (key != null) {
                keys.remember(c, requests.get(0).projectId(), key, ids.get(0));
            }
            return created;
        });
    }

    public IngestJob create(NewJob request, IdempotencyKeys.Key key) {
        return insert(UUID.randomUUID(), request, key, null);
    }

    private IngestJob insert(UUID jobId, NewJob request, IdempotencyKeys.Key key, AlsoInTransaction also) {
        return db.inTransaction(c -> {
            UUID sourceId = request.sourceId();
            if (sourceId == null) {
                sourceId = projects.defaultSource(c, request.projectId());
            } else if (!projects.sourceExists(c, request.projectId(), sourceId)) {
                throw new InvalidRequest("Unknown source_id for this project: " + sourceId);
            }
            IngestJob job = queued(jobId, request, sourceId);
            jobs.insert(c, job);
            if (key != null) {
                keys.remember(c, request.projectId(), key, jobId);
            }
            if (also != null) {
                also.write(c, job);
            }
            return job;
        });
    }

    /** Validates a received upload, stores it, and creates its job. The caller discards the temporary file. */
    public IngestJob fromUpload(UUID projectId, ReceivedFile file, IdempotencyKeys.Key key) {
        return fromFile(projectId, file, key, null, DocumentKeys.require(file.documentKey()), null);
    }

    /**
     * Like an upload, for a file that came from elsewhere (an object of a watched prefix, at {@code origin}, which is
     * also its document key: a newer object at the same key supersedes it): the same validation and storage, and
     * {@code also} written in the job's transaction.
     */
    public IngestJob fromObject(UUID projectId, ReceivedFile file, String origin, AlsoInTransaction also) {
        return fromFile(projectId, file, null, origin, origin, also);
    }

    private IngestJob fromFile(UUID projectId, ReceivedFile file, IdempotencyKeys.Key key, String origin,
            String documentKey, AlsoInTransaction also) {
        String type = contentTypes.accept(file.declaredType(), file.fileName(),
                detector.detect(file.tempFile(), file.fileName()));
        if (ContentTypes.isTextKind(type) && file.size() > maxChars) {
            // a text file has at most as many characters as bytes: one this large may hold more than the extract
            // limit, and would fail only later, in the worker
            throw new RefusedContent(RefusedContent.Reason.TOO_LARGE, "Text file too large to extract: " + file.size()
                    + " bytes may hold more than the " + maxChars + " characters one document may yield"
                    + " (CORTEX_EXTRACT_MAX_CHARS); split it");
        }
        if (file.expectedChecksum() != null) {
            String expected = checksum(file.expectedChecksum());
            if (!expected.equals(file.sha256())) {
                throw new RefusedContent(RefusedContent.Reason.CHECKSUM, "Checksum mismatch: expected " + expected + ", received content has "
                        + file.sha256());
            }
        }
        String name = file.fileName() == null || file.fileName().isBlank() ? "upload" : file.fileName();
        return store(projectId, file.tempFile(), name, type, file.size(), file.sha256(), null, documentKey, key, origin,
                also);
    }

    /** The temporary file of an upload never outlives its request. */
    public void discard(ReceivedFile file) {
        deleteQuietly(file.tempFile());
    }

    /**
     * The text helper: the content is stored like an upload of a text file named after its first words
     * ({@link TextJobName}), under the same rules.
     */
    public IngestJob fromText(UUID projectId, String content, UUID sourceId, String documentKey,
            IdempotencyKeys.Key key) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > maxBytes) {
            throw new RefusedContent(RefusedContent.Reason.TOO_LARGE, "Text too large: the limit is " + (maxBytes / (1024 * 1024)) + " MB ("
                    + maxBytes + " bytes); it has " + bytes.length + " bytes");
        }
        if (content.length() > maxChars && content.codePointCount(0, content.length()) > maxChars) {
            throw new RefusedContent(RefusedContent.Reason.TOO_LARGE, "Text too long: more than the " + maxChars
                    + " characters one document may yield (CORTEX_EXTRACT_MAX_CHARS)");
        }
        Path temp = null;
        try {
            Files.createDirectories(tempDir);
            temp = Files.createTempFile(tempDir, "text-", ".part");
            Files.write(temp, bytes);
        } catch (IOException e) {
            deleteQuietly(temp);
            // the service's own directory, not the client's mistake: 503, and nothing was created
            throw new routes.storage.StorageUnavailableException("the temporary directory " + tempDir
                    + " cannot be written: " + e.getMessage(), e);
        }
        try {
            return store(projectId, temp, TextJobName.of(content), "text/plain", bytes.length, Sha256.of(bytes), sourceId,
                    documentKey, key, null, null);
        } finally {
            deleteQuietly(temp);
        }
    }

    /** A client-supplied SHA-256: 64 hex digits, any case. */
    public static String checksum(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.startsWith("sha256:")) {
            v = v.substring("sha256:".length());
        }
        if (!SHA256.matcher(v).matches()) {
            throw new InvalidRequest("checksum must be a SHA-256 hex digest (64 hex characters): " + value);
        }
        return v;
    }

    /** {@code origin}: where the content came from, as the job's source_path (null: the stored object's path). */
    private IngestJob store(UUID projectId, Path temp, String name, String type, long size, String sha256, UUID sourceId,
            String documentKey, IdempotencyKeys.Key key, String origin, AlsoInTransaction also) {
        UUID jobId = UUID.randomUUID();
        StoredObject object = storage.put(temp, projectId, jobId, name, sha256);
        try {
            String sourcePath = origin != null ? origin : object.path() != null ? object.path().toString() : object.key();
            return insert(jobId, new NewJob(projectId, sourceId, sourcePath, object.uri(), name, size, type, sha256,
                    documentKey), key, also);
        } catch (RuntimeException e) {
            storage.delete(object);
            throw e;
        }
    }

    /** A new job, with the task id its message will carry: the create answer already tells it. */
    private IngestJob queued(UUID jobId, NewJob r, UUID sourceId) {
        Instant now = Dialect.now();
        return new IngestJob(jobId, r.projectId(), r.sourcePath(), r.sourceUri(), r.originalFilename(), r.byteSize(),
                r.mimeType(), r.checksum(), JobStage.INITIAL, now, now, null, null, null, JobStatus.QUEUED, 0.0,
                "Queued", null, null, taskIds.apply(jobId), sourceId, 0, r.documentKey(), null);
    }

    /**
     * Removes a temporary file, whatever happened to its directory. A failure must not fail the request: the job may
     * be committed already, and the leftover sweep removes what stays.
     */
    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("Cannot remove the temporary file {} (the leftover sweep will): {}", file, e.toString());
        }
    }
}
