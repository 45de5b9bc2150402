package routes.processing;

import routes.failure.PermanentFailure;
import routes.job.JobStage;
import routes.source.ArchiveUnpacker;
import routes.storage.ContentTypes;
import routes.storage.TypeDetector;

/**
 * Stage detect: a tree is indexed; a file is taken as the type validated at upload, else the type Tika finds in its
 * bytes and name. An archive is indexed like a tree; anything else must be a type this build extracts.
 */
public final class DetectStage {

    /** The type recorded for a tree's root document. */
    static final String DIRECTORY_TYPE = "inode/directory";

    private final StageProgress progress;
    private final TypeDetector detector;
    private final TextExtractor extractor;
    private final ArchiveUnpacker unpacker;
    private final java.nio.file.Path tempDir;

    public DetectStage(StageProgress progress, TypeDetector detector, TextExtractor extractor,
            ArchiveUnpacker unpacker, java.nio.file.Path tempDir) {
        this.progress = progress;
        this.detector = detector;
        this.extractor = extractor;
        this.unpacker = unpacker;
        this.tempDir = tempDir;
    }

    public JobRun detect(JobRun run) {
        progress.enter(run, JobStage.DETECT, "Detecting type");
        if (run.tree()) {
            run.detected(DIRECTORY_TYPE);
            return run;
        }
        String type = ContentTypes.reconcile(run.declaredType(), detector.detect(run.source(), run.fileName()),
                run.fileName());
        if ("application/gzip".equals(type) && ArchiveUnpacker.compressedSingleFile(run.source())) {
            // notes.txt.gz is notes.txt: a tree only when the gzip holds a tar
            String inner = run.fileName().replaceFirst("(?i)\\.(gz|gzip)$", "");
            run.decompressed(unpacker.decompress(run.source(), tempDir, progress.checkpoint(run, JobStage.DETECT)),
                    inner.isBlank() ? "content" : inner);
            type = ContentTypes.reconcile(null, detector.detect(run.source(), run.fileName()), run.fileName());
        }
        if (!ArchiveUnpacker.isArchive(type) && !extractor.canExtract(type)) {
            throw new PermanentFailure("Unsupported content type for extraction: " + type + " (" + run.fileName() + ")");
        }
        run.detected(type);
        return run;
    }
}
