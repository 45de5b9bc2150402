package routes.processing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import routes.source.ArchiveUnpacker;
import routes.source.SourceFetcher;
import routes.storage.ContentTypes;
import routes.storage.Sha256;
import routes.storage.TypeDetector;

/**
 * The stages of one attempt at a job. The worker route calls them in order; each stage first moves the job to its
 * stage with a conditional update, which is also where a cancel or delete is noticed and the attempt stops.
 */
public final class JobWorker {

    public static final String JOB_ID_HEADER = "CortexJobId";

    private static final Logger LOG = LoggerFactory.getLogger(JobWorker.class);
    /** The type recorded for a tree's root document. */
    static final String DIRECTORY_TYPE = "inode/directory";

    private final JobStore jobs;
    private final DocumentStore documents;
    private final Pipeline pipeline;
    private final Duration lease;
    private final Path tempDir;
    private final Duration progressInterval;
    private final TestingHooks testing;
    /** The attempts running in this process (job id -> lease owner), whose leases the renewal route extends. */
    private final Map<UUID, String> active = new ConcurrentHashMap<>();

    /** What the stages use: fetching, type detection, extraction, unpacking, tree listing, chunking. */
    public record Pipeline(SourceFetcher sources, TypeDetector detector, TextExtractor extractor,
            ArchiveUnpacker unpacker, TreeIndexer indexer, ChunkSplitter splitter) {
    }

    /**
     * Switches for tests of failure handling, off by default: fail the first N attempts of every job with a
     * transient error; pause at the start of every stage; pause before every file of a tree.
     */
    public record TestingHooks(int failAttempts, long stageDelayMillis, long fileDelayMillis) {
    }

    public JobWorker(JobStore jobs, DocumentStore documents, Pipeline pipeline, Path tempDir, Duration lease,
            Duration progressInterval, TestingHooks testing) {
        this.jobs = jobs;
        this.documents = documents;
        this.pipeline = pipeline;
        this.tempDir = tempDir;
        this.lease = lease;
        this.progressInterval = progressInterval;
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

    /** The claim already moved the job to this stage. The source is brought here: downloaded, cloned or read in place. */
    public JobRun fetch(@Body JobRun run) {
        progress(run, JobStage.FETCH, JobStage.FETCH.progress(), SourceFetcher.describe(run.job()));
        if (run.job().attempts() <= testing.failAttempts()) {
            throw new IllegalStateException("Simulated transient failure of attempt " + run.job().attempts()
                    + " (cortex.testing.fail-attempts)");
        }
        SourceFetcher.Fetched fetched = pipeline.sources().fetch(run.job(), tempDir);
        if (fetched.temporary()) {
            run.temporary(fetched.path());
        }
        run.fetched(fetched);
        return run;
    }

    public JobRun verify(@Body JobRun run) {
        enter(run, JobStage.VERIFY, run.tree() ? "Checking the repository" : "Verifying checksum");
        if (!run.tree()) {
            String actual = Sha256.of(run.source());
            String expected = run.job().checksum();
            if (expected != null && !expected.equals(actual)) {
                throw new PermanentJobError("Checksum mismatch: expected " + expected + ", source has " + actual);
            }
            run.verified(size(run.source()), actual);
        }
        return run;
    }

    /**
     * A tree is indexed; a file is taken as the type validated at upload, else the type Tika finds in its bytes and
     * name. An archive is indexed like a tree; anything else must be a type this build extracts.
     */
    public JobRun detect(@Body JobRun run) {
        enter(run, JobStage.DETECT, "Detecting type");
        if (run.tree()) {
            run.detected(DIRECTORY_TYPE);
            return run;
        }
        String type = ContentTypes.reconcile(run.declaredType(), pipeline.detector().detect(run.source(), run.fileName()),
                run.fileName());
        if (!ArchiveUnpacker.isArchive(type) && !pipeline.extractor().canExtract(type)) {
            throw new PermanentJobError("Unsupported content type for extraction: " + type + " (" + run.fileName() + ")");
        }
        run.detected(type);
        return run;
    }

    /** Extracts a single file, or indexes a tree (directory, repository, archive) file by file: stage {@code index}. */
    public JobRun extract(@Body JobRun run) {
        if (run.tree() || ArchiveUnpacker.isArchive(run.mimeType())) {
            return index(run);
        }
        enter(run, JobStage.EXTRACT, "Extracting text from " + run.fileName());
        TextExtractor.Extraction extraction = pipeline.extractor().extract(run.source(), run.mimeType(), run.fileName());
        if (extraction.text().isBlank()) {
            throw new PermanentJobError("No text could be extracted from " + run.fileName() + " (" + run.mimeType() + ")");
        }
        run.documents(List.of(new ExtractedDocument(run.fileName(), extraction.title(), run.mimeType(),
                run.verifiedSize(), run.verifiedChecksum(), extraction.text(), List.of())));
        return run;
    }

    private JobRun index(JobRun run) {
        Path root = run.source();
        boolean applyGitignore = !run.checkout();
        if (!run.tree()) {
            enter(run, JobStage.INDEX, "Unpacking " + run.fileName());
            ArchiveUnpacker.Unpacked unpacked = pipeline.unpacker().unpack(run.source(), run.mimeType(), tempDir);
            run.temporary(unpacked.directory());
            root = unpacked.root();
        }
        List<Path> files = pipeline.indexer().files(root, applyGitignore);
        enter(run, JobStage.INDEX, "Indexing " + files.size() + " files of " + run.fileName());
        List<ExtractedDocument> docs = new ArrayList<>();
        docs.add(new ExtractedDocument(".", run.fileName(), run.tree() ? DIRECTORY_TYPE : run.mimeType(),
                run.verifiedSize(), run.verifiedChecksum(), "", List.of()));
        double span = JobStage.CHUNK.progress() - JobStage.INDEX.progress();
        for (int i = 0; i < files.size(); i++) {
            String relative = files.get(i).toString().replace('\\', '/');
            // Also where a cancel is noticed: between two files.
            progress(run, JobStage.INDEX, JobStage.INDEX.progress() + span * i / files.size(),
                    "Indexing file " + (i + 1) + " of " + files.size() + ": " + relative);
            pauseForTests(testing.fileDelayMillis());
            byte[] bytes = read(root.resolve(files.get(i)));
            if (TextDecoder.looksBinary(bytes)) {
                continue;
            }
            TextExtractor.Extraction extraction = pipeline.extractor().textFile(bytes, relative);
            if (extraction.text().isBlank()) {
                continue;
            }
            docs.add(new ExtractedDocument(relative, extraction.title(), TextExtractor.typeOfFile(relative), (long) bytes.length,
                    Sha256.of(bytes), extraction.text(), List.of()));
        }
        if (docs.size() == 1) {
            throw new PermanentJobError("No text files found in " + run.fileName());
        }
        run.indexed(true);
        run.documents(docs);
        return run;
    }

    public JobRun chunk(@Body JobRun run) {
        enter(run, JobStage.CHUNK, "Chunking " + count(run.documents().size() - (run.indexed() ? 1 : 0))
                + " document(s)");
        run.documents(run.documents().stream()
                .map(d -> d.withChunks(pipeline.splitter().split(d.text(), TextExtractor.isCode(d.path())))).toList());
        return run;
    }

    /** Stores documents and chunks and completes the job in one transaction: both happen, or neither. */
    public JobRun store(@Body JobRun run) {
        int chunkCount = run.documents().stream().mapToInt(d -> d.chunks().size()).sum();
        enter(run, JobStage.STORE, "Storing " + count(chunkCount) + " chunks");
        boolean tree = run.indexed();
        String done = tree
                ? "Indexed " + count(run.documents().size() - 1) + " files, " + count(chunkCount) + " chunks"
                : "Extracted " + count(run.documents().get(0).text().length()) + " characters, " + count(chunkCount) + " chunks";
        boolean completed = jobs.database().inTransaction(c -> {
            UUID canonical = documents.replaceForJob(c, run.job().projectId(), run.job().id(), run.documents(), tree);
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

    private static String count(long n) {
        return String.format(java.util.Locale.ROOT, "%,d", n);
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
        pauseForTests(testing.stageDelayMillis());
    }

    private static void pauseForTests(long millis) {
        if (millis == 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JobStopped("interrupted");
        }
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
