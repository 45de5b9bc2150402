package routes.api;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.http.HttpServerRequest;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import routes.failure.InvalidRequest;
import routes.failure.NotFound;
import routes.db.DatabaseException;
import routes.document.DocumentCursor;
import routes.document.DocumentStore;
import routes.project.Ids;
import routes.project.Project;
import routes.project.ProjectStore;
import routes.storage.ContentTypes;
import routes.storage.ObjectKeys;
import routes.storage.ReceivedFile;
import routes.storage.Sha256;
import routes.job.CreatedJob;
import routes.job.DocumentKeys;
import routes.job.IdempotencyKeys;
import routes.job.IngestJob;
import routes.job.JobCursor;
import routes.job.JobFilter;
import routes.job.JobIntake;
import routes.job.JobPage;
import routes.job.JobStage;
import routes.job.JobStatus;
import routes.job.JobStore;
import routes.source.SourcePolicy;

/** The ingest routes of a project: request validation and answers. Routes wire these methods to HTTP. */
public final class JobApi {

    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    /** Exchange property holding the {@link CreatedJob} while it is handed over. */
    public static final String CREATED = "cortexCreatedJob";
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 100;

    /** The answer of the upload route. */
    public record UploadAccepted(@JsonProperty("filename") String filename,
            @JsonProperty("job_id") UUID jobId,
            @JsonProperty("job") IngestJob job) {
    }

    /** The answer of the POST /ingest helper. */
    public record IngestAccepted(@JsonProperty("job_id") UUID jobId) {
    }

    private final ProjectStore projects;
    private final JobStore jobs;
    private final JobIntake intake;
    private final SourcePolicy sources;
    private final MultipartReceiver receiver;
    private final DocumentStore documents;
    private final IdempotencyKeys keys;
    private final ObjectMapper mapper;
    private final Uploads uploads;
    private final int maxBatch;

    public JobApi(ProjectStore projects, JobStore jobs, JobIntake intake, SourcePolicy sources,
            MultipartReceiver receiver, DocumentStore documents, IdempotencyKeys keys, ObjectMapper mapper,
            Uploads uploads) {
        this(projects, jobs, intake, sources, receiver, documents, keys, mapper, uploads, 1000);
    }

    /** @param maxBatch the most job requests one batch may hold */
    public JobApi(ProjectStore projects, JobStore jobs, JobIntake intake, SourcePolicy sources,
            MultipartReceiver receiver, DocumentStore documents, IdempotencyKeys keys, ObjectMapper mapper,
            Uploads uploads, int maxBatch) {
        this.maxBatch = maxBatch;
        this.uploads = uploads;
        this.documents = documents;
        this.keys = keys;
        this.projects = projects;
        this.jobs = jobs;
        this.intake = intake;
        this.sources = sources;
        this.receiver = receiver;
        this.mapper = mapper;
    }

    public JobPage list(@Header("project_id") String projectId, @Header("status") String status,
            @Header("stage") String stage, @Header("source_id") String sourceId, @Header("limit") String limit,
            @Header("cursor") String cursor, @Header("current") String current) {
        Project project = projects.require(projectId);
        JobStatus statusFilter = blank(status) ? null : JobStatus.parse(status).orElseThrow(() -> new InvalidRequest(
                "Unknown status: " + status + " (one of queued, running, completed, failed, cancelled)"));
        JobStage stageFilter = blank(stage) ? null : JobStage.parse(stage).orElseThrow(() -> new InvalidRequest(
                "Unknown stage: " + stage + " (one of initial, fetch, verify, detect, extract, index, chunk, embed, store,"
                        + " done)"));
        if (!blank(current) && !current.equals("true") && !current.equals("false")) {
            throw new InvalidRequest("Query parameter 'current' must be true or false");
        }
        UUID sourceFilter = null;
        if (!blank(sourceId)) {
            sourceFilter = Ids.parse(sourceId).orElseThrow(() -> new InvalidRequest("Invalid source_id: " + sourceId));
        }
        JobCursor after = blank(cursor) ? null : JobCursor.decode(cursor);
        return jobs.list(new JobFilter(project.id(), statusFilter, stageFilter, sourceFilter, after, limit(limit),
                "true".equals(current)));
    }

    public IngestJob get(@Header("project_id") String projectId, @Header("job_id") String jobId) {
        Project project = projects.require(projectId);
        return jobs.find(project.id(), jobId(jobId)).orElseThrow(() -> jobNotFound(jobId));
    }

    public DocumentStore.DocumentPage documents(@Header("project_id") String projectId, @Header("job_id") String jobId,
            @Header("limit") String limit, @Header("cursor") String cursor) {
        UUID job = get(projectId, jobId).id();
        return documents.listForJob(job, DocumentCursor.decode(cursor), limit(limit));
    }

    public CreatedJob create(@Header("project_id") String projectId, @Header(IDEMPOTENCY_KEY) Object idempotencyKey,
            @Header("Content-Type") String contentType, @Body Object body) {
        Project project = projects.require(projectId);
        JsonNode request = Json.object(mapper, contentType, body);
        return once(project.id(), key(idempotencyKey, "jobs", request), k -> intake.create(newJob(project, request), k));
    }

    /** An IngestRequest as the job it asks for; 400 (InvalidRequest) for whatever in it cannot be accepted. */
    private JobIntake.NewJob newJob(Project project, JsonNode request) {
        if (!request.isObject()) {
            throw new InvalidRequest("Each job request must be a JSON object");
        }
        String sourceUri = Json.text(request, "source_uri", "sourceUri");
        String sourcePath = Json.text(request, "source_path", "sourcePath");
        SourcePolicy.Source source = sources.resolve(project.id(), sourceUri, sourcePath);
        String filename = ObjectKeys.clientFileName(Json.text(request, "original_filename"));
        String checksum = Json.text(request, "checksum");
        String mimeType = mimeType(Json.text(request, "mime_type"));
        Long byteSize = longField(request, "byte_size");
        return new JobIntake.NewJob(project.id(), null, sourcePath != null ? sourcePath : localPath(source),
                source.uri(), filename != null ? filename : source.fileName(), byteSize, mimeType,
                checksum == null ? null : JobIntake.checksum(checksum),
                DocumentKeys.require(Json.text(request, "document_key")));
    }

    /** The jobs of a batch, and whether this request created them (false: a replay of its Idempotency-Key). */
    public record CreatedBatch(List<IngestJob> jobs, boolean fresh) {
        public List<String> jobIds() {
            return jobs.stream().map(j -> j.id().toString()).toList();
        }
    }

    /**
     * {@code {"jobs": [IngestRequest, ...]}} with 1 to {@code maxBatch} items: all are validated first; any refused
     * item refuses the batch (400 with each refused item by index) and nothing is created; otherwise all jobs are
     * created in one transaction. All or nothing, so that a client retrying a batch (with its Idempotency-Key) never
     * has to find out which half of it exists.
     */
    public CreatedBatch createBatch(@Header("project_id") String projectId, @Header(IDEMPOTENCY_KEY) Object idempotencyKey,
            @Header("Content-Type") String contentType, @Body Object body) {
        Project project = projects.require(projectId);
        JsonNode request = Json.object(mapper, contentType, body);
        JsonNode items = request.get("jobs");
        if (items == null || !items.isArray()) {
            throw new InvalidRequest("Field 'jobs' must be an array of job requests");
        }
        if (items.isEmpty() || items.size() > maxBatch) {
            throw new InvalidRequest("Field 'jobs' must hold 1 to " + maxBatch + " job requests; it has " + items.size());
        }
        IdempotencyKeys.Key key = key(idempotencyKey, "batch", request);
        if (key != null) {
            if (keys.replay(project.id(), key).isPresent()) {
                List<IngestJob> earlier = jobs.findAll(batchIds(project.id(), key, items.size()));
                List<IngestJob> deleted = earlier.stream().filter(j -> j.deletedAt() != null).toList();
                if (!deleted.isEmpty()) {
                    throw deletedSince(deleted);
                }
                return new CreatedBatch(earlier, false);
            }
        }
        List<JobIntake.NewJob> requests = new java.util.ArrayList<>();
        List<routes.failure.InvalidBatch.Item> refused = new java.util.ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            try {
                requests.add(newJob(project, items.get(i)));
            } catch (routes.failure.RequestRefused e) {
                refused.add(new routes.failure.InvalidBatch.Item(i, e.getMessage()));
            }
        }
        if (!refused.isEmpty()) {
            throw new routes.failure.InvalidBatch(refused.size() + " of " + items.size()
                    + " job requests refused; nothing was created", refused);
        }
        List<UUID> ids = key == null ? java.util.stream.Stream.generate(UUID::randomUUID).limit(items.size()).toList()
                : batchIds(project.id(), key, items.size());
        try {
            return new CreatedBatch(intake.createAll(requests, ids, key), true);
        } catch (DatabaseException e) {
            // two racing requests with one key (or the key's row purged, its jobs still there): a replay
            List<IngestJob> existing = key == null ? List.of() : jobs.findAll(ids);
            if (existing.size() == ids.size()) {
                return new CreatedBatch(existing, false);
            }
            throw e;
        }
    }

    /** A keyed batch's job ids follow from the key: a replay finds all of them from the one row it remembers. */
    private static List<UUID> batchIds(UUID projectId, IdempotencyKeys.Key key, int size) {
        List<UUID> ids = new java.util.ArrayList<>();
        for (int i = 0; i < size; i++) {
            ids.add(UUID.nameUUIDFromBytes((projectId + "\n" + key.key() + "\n" + i).getBytes(UTF_8)));
        }
        return ids;
    }

    /** The answer of the batch route: every job as it is now (with its task id, once handed off), in order. */
    public Map<String, List<IngestJob>> batchReply(@Body CreatedBatch created) {
        return Map.of("items", jobs.findAll(created.jobs().stream().map(IngestJob::id).toList()));
    }

    private static final java.util.regex.Pattern MIME_TYPE = java.util.regex.Pattern.compile(
            "[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}");

    /** A declared type is type/subtype (RFC 6838 characters, the column's 255 at most); parameters are dropped. */
    private static String mimeType(String declared) {
        String type = ContentTypes.normalize(declared);
        if (type != null && !MIME_TYPE.matcher(type).matches()) {
            throw new InvalidRequest("Field 'mime_type' must be a media type such as text/plain");
        }
        return type;
    }

    /**
     * The answer of the create route: the job as committed (queued, whatever a fast worker did since), with the
     * task id its message carries.
     */
    public IngestJob jobReply(@ExchangeProperty(CREATED) CreatedJob created) {
        return created.job();
    }

    public IngestJob cancel(@Header("project_id") String projectId, @Header("job_id") String jobId) {
        Project project = projects.require(projectId);
        JobStore.Transition result = jobs.cancel(project.id(), jobId(jobId)).orElseThrow(() -> jobNotFound(jobId));
        if (!result.moved()) {
            throw new InvalidRequest("Job cannot be cancelled. Current status: " + result.job().status());
        }
        return result.job();
    }

    public void delete(@Header("project_id") String projectId, @Header("job_id") String jobId) {
        Project project = projects.require(projectId);
        IngestJob before = jobs.softDelete(project.id(), jobId(jobId)).orElseThrow(() -> jobNotFound(jobId));
        if (before.status() == JobStatus.RUNNING) {
            throw new InvalidRequest("Cancel the job first: it is running");
        }
    }

    public CreatedJob upload(@Header("project_id") String projectId, @Header(IDEMPOTENCY_KEY) Object idempotencyKey,
            @Body HttpServerRequest request) {
        // the body is on disk already: taken first, so that every answer below (an unknown project too) removes it
        ReceivedFile file = receiver.receive(request);
        try {
            return upload(projects.require(projectId), oneKey(idempotencyKey), file);
        } finally {
            intake.discard(file);
        }
    }

    private CreatedJob upload(Project project, String idempotencyKey, ReceivedFile file) {
        String fingerprint = Sha256.of(String.join("\n", "upload", file.sha256(), String.valueOf(file.fileName()),
                String.valueOf(file.declaredType()), String.valueOf(file.expectedChecksum()),
                String.valueOf(file.documentKey())).getBytes(UTF_8));
        try {
            CreatedJob created = once(project.id(), IdempotencyKeys.of(idempotencyKey, fingerprint),
                    key -> intake.fromUpload(project.id(), file, key));
            uploads.accepted(file.size());
            return created;
        } catch (InvalidRequest e) {
            uploads.rejected(Uploads.reason(e));
            throw e;
        }
    }

    /** What the metrics learn from uploads. */
    public interface Uploads {

        default void accepted(long bytes) {
        }

        /** {@code reason}: one of a few words (too_large, type, mismatch, checksum, malformed), never the message. */
        default void rejected(String reason) {
        }

        /** The label of a refusal: what the content was refused for, or malformed (the request itself). */
        static String reason(Throwable refusal) {
            return refusal instanceof routes.failure.RefusedContent content ? content.reason().label() : "malformed";
        }
    }

    public UploadAccepted uploadReply(@ExchangeProperty(CREATED) CreatedJob created) {
        IngestJob job = created.job();
        return new UploadAccepted(job.originalFilename(), job.id(), job);
    }

    public CreatedJob ingest(@Header("project_id") String projectId, @Header(IDEMPOTENCY_KEY) Object idempotencyKey,
            @Header("Content-Type") String contentType, @Body Object body) {
        Project project = projects.require(projectId);
        JsonNode request = Json.object(mapper, contentType, body);
        return once(project.id(), key(idempotencyKey, "ingest", request), key -> ingest(project, request, key));
    }

    public IngestAccepted ingestReply(@ExchangeProperty(CREATED) CreatedJob created) {
        return new IngestAccepted(created.job().id());
    }

    private IngestJob ingest(Project project, JsonNode request, IdempotencyKeys.Key key) {
        String type = Json.text(request, "source_type");
        if ("text".equals(type)) {
            String content = Json.text(request, "content");
            if (content == null || content.isBlank()) {
                throw new InvalidRequest("content required for text source_type");
            }
            String sourceId = Json.text(request, "source_id");
            UUID source = sourceId == null ? null
                    : Ids.parse(sourceId).orElseThrow(() -> new InvalidRequest("Unknown source_id for this project: " + sourceId));
            return intake.fromText(project.id(), content, source,
                    DocumentKeys.require(Json.text(request, "document_key")), key);
        }
        if ("repository".equals(type)) {
            String repoPath = Json.text(request, "repo_path");
            String repoUrl = Json.text(request, "repo_url");
            if (blank(repoPath) && blank(repoUrl)) {
                throw new InvalidRequest("repo_path or repo_url required for repository ingestion");
            }
            SourcePolicy.Source source = sources.resolve(project.id(), blank(repoPath) ? repoUrl : null, repoPath);
            if (!source.tree()) {
                throw new InvalidRequest("Repository must be a directory or a git repository URL: "
                        + (blank(repoPath) ? repoUrl : repoPath));
            }
            return intake.create(new JobIntake.NewJob(project.id(), null, localPath(source),
                    source.uri(), source.fileName(), null, null, null,
                    DocumentKeys.require(Json.text(request, "document_key"))), key);
        }
        throw new InvalidRequest("Unsupported source_type: " + type);
    }

    /**
     * Creates a job once per Idempotency-Key: a replay of the same request answers with the job it created, the same
     * key with another request is 409. Of two racing requests with one key, the loser's transaction fails on the
     * key and it answers as a replay.
     */
    /**
     * The Idempotency-Key of a JSON request, with its fingerprint (the operation and the request, hashed); null without
     * a key, and then nothing is hashed.
     */
    private static IdempotencyKeys.Key key(Object header, String operation, JsonNode request) {
        String key = oneKey(header);
        return key == null ? null
                : IdempotencyKeys.of(key, Sha256.of((operation + "\n" + Json.canonical(request)).getBytes(UTF_8)));
    }

    /**
     * The one value of the Idempotency-Key header. Two or more (the HTTP layer hands them over as a list) are refused:
     * which one the client meant cannot be known, and taking one would replay as the other.
     */
    private static String oneKey(Object header) {
        if (header instanceof java.util.Collection<?> values) {
            if (values.size() != 1) {
                throw new InvalidRequest("Send one Idempotency-Key header; this request has " + values.size());
            }
            return String.valueOf(values.iterator().next());
        }
        return header == null ? null : header.toString();
    }

    private CreatedJob once(UUID projectId, IdempotencyKeys.Key key, java.util.function.Function<IdempotencyKeys.Key, IngestJob> create) {
        if (key == null) {
            return new CreatedJob(create.apply(null), true);
        }
        var earlier = keys.replay(projectId, key);
        if (earlier.isPresent()) {
            return replayOf(projectId, earlier.get());
        }
        try {
            return new CreatedJob(create.apply(key), true);
        } catch (DatabaseException e) {
            return keys.replay(projectId, key).map(id -> replayOf(projectId, id)).orElseThrow(() -> e);
        }
    }

    /**
     * A replay answers with the job as it is now (it may have progressed); 409 when it has been deleted since: the
     * key is spent on a job that is gone, and answering with it would hand the client a job it cannot use.
     */
    private CreatedJob replayOf(UUID projectId, UUID jobId) {
        IngestJob job = jobs.findAny(jobId).filter(j -> j.projectId().equals(projectId))
                .orElseThrow(() -> jobNotFound(jobId.toString()));
        if (job.deletedAt() != null) {
            throw deletedSince(List.of(job));
        }
        return new CreatedJob(job, false);
    }

    private static routes.failure.Conflict deletedSince(List<IngestJob> deleted) {
        return new routes.failure.Conflict("This Idempotency-Key created job " + deleted.get(0).id()
                + (deleted.size() > 1 ? " and " + (deleted.size() - 1) + " more" : "") + ", deleted since;"
                + " send the request with a new key to create it again");
    }

    /** {@code source_path} of a job: the local path it reads, null for remote sources. */
    private static String localPath(SourcePolicy.Source source) {
        return source.path() == null ? null : source.path().toString();
    }

    private static UUID jobId(String jobId) {
        return Ids.parse(jobId).orElseThrow(() -> jobNotFound(jobId));
    }

    static NotFound jobNotFound(String jobId) {
        return new NotFound("Job not found: " + jobId);
    }

    static int limit(String value) {
        if (value == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1 && n <= MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below, like any other out-of-range value
        }
        throw new InvalidRequest("limit must be a whole number from 1 to " + MAX_LIMIT + ": " + value);
    }

    private static Long longField(JsonNode request, String name) {
        JsonNode v = request.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() < 0) {
            throw new InvalidRequest("Field '" + name + "' must be a non-negative whole number");
        }
        return v.asLong();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
