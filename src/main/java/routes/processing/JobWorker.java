package routes.processing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import routes.job.IngestJob;
import routes.job.JobStage;
import routes.job.JobStore;
import routes.project.Ids;
import routes.storage.ContentTypes;
import routes.storage.ObjectStore;
import routes.storage.Sha256;

/**
 * The stages of one attempt at a job. The worker route calls them in order; each stage first moves the job to its
 * stage with a conditional update, which is also where a cancel or delete is noticed and the attempt stops.
 */
public final class JobWorker {

    public static final String JOB_ID_HEADER = "CortexJobId";

    private static final Logger LOG = LoggerFactory.getLogger(JobWorker.class);
    private static final Set<String> SKIPPED_FOLDERS = Set.of(".git", ".hg", ".svn", "node_modules", "vendor", "target",
            "build", "dist", "out", ".idea", ".vscode", "__pycache__", ".venv", "venv", ".gradle", ".mvn");

    private final JobStore jobs;
    private final DocumentStore documents;
    private final TextExtractor extractor;
    private final ChunkSplitter splitter;
    private final Duration lease;
    private final long maxIndexedFileBytes;
    private final ObjectStore storage;
    private final Path tempDir;
    private final Duration progressInterval;
    private final TestingHooks testing;
    /** The attempts running in this process (job id -> lease owner), whose leases the renewal route extends. */
    private final Map<UUID, String> active = new ConcurrentHashMap<>();

    /**
     * Switches for tests of failure handling, off by default: fail the first N attempts of every job with a
     * transient error; pause at the start of every stage.
     */
    public record TestingHooks(int failAttempts, long stageDelayMillis) {
    }

    public JobWorker(JobStore jobs, DocumentStore documents, ObjectStore storage, Path tempDir, TextExtractor extractor,
            ChunkSplitter splitter, Duration lease, Duration progressInterval, long maxIndexedFileBytes,
            TestingHooks testing) {
        this.storage = storage;
        this.tempDir = tempDir;
        this.progressInterval = progressInterval;
        this.jobs = jobs;
        this.documents = documents;
        this.extractor = extractor;
        this.splitter = splitter;
        this.lease = lease;
        this.maxIndexedFileBytes = maxIndexedFileBytes;
        this.testing = testing;
    }

    /** Claims the job for one attempt; null when it is not ours to run (finished, cancelled, deleted, taken). */
    public JobRun claim(@Header(JOB_ID_HEADER) String jobId) {
        Optional<UUID> id = Ids.parse(jobId);
        if (id.isEmpty()) {
            LOG.warn("Dropping a hand-off without a valid job id: {}", jobId);
            return null;
        }
        String attempt = UUID.randomUUID().toString();
        JobRun run = jobs.claim(id.get(), attempt, lease).map(job -> new JobRun(job, attempt)).orElse(null);
        if (run != null) {
            active.put(run.job().id(), attempt);
        }
        return run;
    }

    /** The attempt is over, whatever its outcome: its lease is no longer renewed. */
    public void release(@ExchangeProperty("jobRun") JobRun run) {
        active.remove(run.job().id(), run.attempt());
        run.deleteTemporaryFiles();
    }

    /** Extends the leases of this process's running attempts, so that no other worker takes them over. */
    public void renewLeases() {
        jobs.renewLeases(Map.copyOf(active), lease);
    }

    /** The claim already moved the job to this stage. Stored content is read through its store (S3: a download). */
    public JobRun fetch(@Body JobRun run) {
        pauseForTests();
        if (run.job().attempts() <= testing.failAttempts()) {
            throw new IllegalStateException("Simulated transient failure of attempt " + run.job().attempts()
                    + " (cortex.testing.fail-attempts)");
        }
        String uri = run.job().sourceUri();
        if (storage.holds(uri)) {
            ObjectStore.LocalCopy copy = storage.fetch(uri, tempDir);
            run.fetched(copy.path(), false);
            if (copy.temporary()) {
                run.temporary(copy.path());
            }
            return run;
        }
        Path path = Path.of(run.job().sourcePath() != null ? run.job().sourcePath()
                : java.net.URI.create(run.job().sourceUri()).getPath());
        if (!Files.exists(path)) {
            throw new PermanentJobError("Source not found: " + run.job().sourceUri());
        }
        run.fetched(path, Files.isDirectory(path));
        return run;
    }

    public JobRun verify(@Body JobRun run) {
        enter(run, JobStage.VERIFY, run.directory() ? "Checking directory" : "Verifying checksum");
        if (!run.directory()) {
            String actual = Sha256.of(run.source());
            String expected = run.job().checksum();
            if (expected != null && !expected.equals(actual)) {
                throw new PermanentJobError("Checksum mismatch: expected " + expected + ", source has " + actual);
            }
            run.verified(size(run.source()), actual);
        }
        return run;
    }

    public JobRun detect(@Body JobRun run) {
        enter(run, JobStage.DETECT, "Detecting type");
        if (run.directory()) {
            run.detected("inode/directory");
        } else {
            String type = run.job().mimeType() != null ? run.job().mimeType()
                    : ContentTypes.fromName(run.source().getFileName().toString()).orElse(ContentTypes.OCTET_STREAM);
            if (!extractor.canExtract(type)) {
                throw new PermanentJobError("Unsupported content type for extraction: " + type);
            }
            run.detected(type);
        }
        return run;
    }

    /** Extracts a single file, or indexes a directory file by file (the stage is then {@code index}). */
    public JobRun extract(@Body JobRun run) {
        if (!run.directory()) {
            enter(run, JobStage.EXTRACT, "Extracting text");
            byte[] bytes = read(run.source());
            String name = run.job().originalFilename() != null ? run.job().originalFilename()
                    : run.source().getFileName().toString();
            String text = extractor.text(bytes, run.mimeType(), name);
            if (text.isBlank()) {
                throw new PermanentJobError("No text could be extracted from " + name);
            }
            run.documents(List.of(new ExtractedDocument(name, extractor.title(text, run.mimeType(), name), run.mimeType(),
                    bytes.length, Sha256.of(bytes), text, List.of())));
            return run;
        }
        enter(run, JobStage.INDEX, "Indexing " + run.source());
        List<Path> files = indexable(run.source());
        List<ExtractedDocument> docs = new ArrayList<>();
        String rootName = run.source().getFileName() == null ? "/" : run.source().getFileName().toString();
        docs.add(new ExtractedDocument(".", rootName, "inode/directory", 0, null, "", List.of()));
        double span = JobStage.CHUNK.progress() - JobStage.INDEX.progress();
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            String relative = run.source().relativize(file).toString().replace('\\', '/');
            progress(run, JobStage.INDEX, JobStage.INDEX.progress() + span * i / files.size(),
                    "Indexing file " + (i + 1) + " of " + files.size() + ": " + relative);
            byte[] bytes = read(file);
            if (TextDecoder.looksBinary(bytes)) {
                continue;
            }
            String text = TextDecoder.decode(bytes);
            if (text.isBlank()) {
                continue;
            }
            String type = ContentTypes.fromName(relative).orElse("text/plain");
            docs.add(new ExtractedDocument(relative, extractor.title(text, type, relative), type, bytes.length,
                    Sha256.of(bytes), text, List.of()));
        }
        if (docs.size() == 1) {
            throw new PermanentJobError("No text files found in " + run.source());
        }
        run.documents(docs);
        return run;
    }

    public JobRun chunk(@Body JobRun run) {
        enter(run, JobStage.CHUNK, "Chunking " + run.documents().size() + " document(s)");
        run.documents(run.documents().stream().map(d -> d.withChunks(splitter.split(d.text()))).toList());
        return run;
    }

    /** Stores documents and chunks and completes the job in one transaction: both happen, or neither. */
    public JobRun store(@Body JobRun run) {
        int chunkCount = run.documents().stream().mapToInt(d -> d.chunks().size()).sum();
        enter(run, JobStage.STORE, "Storing " + chunkCount + " chunks");
        int files = run.directory() ? run.documents().size() - 1 : 1;
        String done = run.directory() ? "Indexed " + files + " files, " + chunkCount + " chunks"
                : "Extracted " + run.documents().get(0).text().length() + " characters, " + chunkCount + " chunks";
        boolean completed = jobs.database().inTransaction(c -> {
            UUID canonical = documents.replaceForJob(c, run.job().projectId(), run.job().id(), run.documents(), run.directory());
            if (!jobs.complete(c, run.job().id(), run.attempt(), canonical, done, run.facts())) {
                c.rollback();
                return false;
            }
            return true;
        });
        if (!completed) {
            throw new JobStopped("job " + run.job().id() + " was cancelled or taken over before it was stored");
        }
        return run;
    }

    /**
     * After a transient error: the job waits queued for its next attempt, or, after the last one, fails. The policy
     * (retries after the first attempt, backoff, its cap) comes from the route, where operators tune it.
     */
    public RetryDecision retryOrFail(@Body JobRun run, @ExchangeProperty("CamelExceptionCaught") Exception error,
            int maxRetries, long backoffSeconds, long backoffMaxSeconds) {
        int attempt = run.job().attempts();
        String jobId = run.job().id().toString();
        if (attempt > maxRetries) {
            failed(run, error);
            return new RetryDecision(jobId, false, 0, 0);
        }
        long delay = RetryDecision.backoffSeconds(attempt, backoffSeconds, backoffMaxSeconds) * 1000;
        java.time.Instant at = routes.db.Dialect.now().plusMillis(delay);
        String reason = reason(error);
        LOG.info("Job {} attempt {} failed, retry {} of {} at {}: {}", jobId, attempt, attempt, maxRetries, at, reason);
        if (!jobs.requeue(run.job().id(), run.attempt(), reason,
                "Retry " + attempt + " of " + maxRetries + " at " + at + " after: " + reason, at)) {
            throw new JobStopped("job " + jobId + " was cancelled or taken over before its retry was scheduled");
        }
        return new RetryDecision(jobId, true, delay, at.toEpochMilli());
    }

    private static String reason(Exception error) {
        return error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
    }

    public void failed(@Body JobRun run, @ExchangeProperty("CamelExceptionCaught") Exception error) {
        String reason = reason(error);
        if (error instanceof PermanentJobError) {
            LOG.info("Job {} failed: {}", run.job().id(), reason);
        } else {
            LOG.warn("Job {} failed", run.job().id(), error);
        }
        jobs.fail(run.job().id(), run.attempt(), reason, "Failed at stage " + stageOf(run) + ": " + reason);
    }

    public void stopped(@Body JobRun run, @ExchangeProperty("CamelExceptionCaught") Exception reason) {
        LOG.info("Stopped {}: {}", run, reason.getMessage());
    }

    private String stageOf(JobRun run) {
        return jobs.findAny(run.job().id()).map(j -> j.stage().toString()).orElse("unknown");
    }

    private void enter(JobRun run, JobStage stage, String message) {
        progress(run, stage, stage.progress(), message);
    }

    /**
     * Records a stage or progress step. Every step checks that the attempt still holds the job (a cancel, delete or
     * take-over stops it here), but a step within {@code progressInterval} of the last write is only read: each
     * write is a commit the job waits for, and nobody watches a job at millisecond resolution.
     */
    private void progress(JobRun run, JobStage stage, double progress, String message) {
        if (progress == stage.progress()) {
            pauseForTests();
        }
        long now = System.nanoTime();
        boolean held;
        if (now - run.lastWriteNanos() >= progressInterval.toNanos()) {
            held = jobs.advance(run.job().id(), run.attempt(), lease, stage, progress, message, run.facts());
            run.wrote(now);
        } else {
            held = jobs.stillRunning(run.job().id(), run.attempt());
        }
        if (!held) {
            throw new JobStopped("job " + run.job().id() + " is no longer running under this attempt");
        }
    }

    /** The stage-delay test switch: a slow worker, to test what happens while it works. */
    private void pauseForTests() {
        if (testing.stageDelayMillis() == 0) {
            return;
        }
        try {
            Thread.sleep(testing.stageDelayMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JobStopped("interrupted");
        }
    }

    private List<Path> indexable(Path root) {
        List<Path> files = new ArrayList<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    return !dir.equals(root) && SKIPPED_FOLDERS.contains(dir.getFileName().toString())
                            ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() && attrs.size() <= maxIndexedFileBytes) {
                        files.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        files.sort(null);
        return files;
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
