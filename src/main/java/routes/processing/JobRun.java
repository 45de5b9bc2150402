package routes.processing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import routes.job.IngestJob;
import routes.job.JobStore;
import routes.storage.ContentTypes;

/** One attempt at a job, carried through the worker route's stages as the message body. */
public final class JobRun {

    private final IngestJob job;
    private final String attempt;
    private Path source;
    private boolean directory;
    private String mimeType;
    private Long verifiedSize;
    private String verifiedChecksum;
    private final List<Path> temporaryFiles = new ArrayList<>();
    /** When this attempt last wrote the job (the claim counts). */
    private long lastWriteNanos = System.nanoTime();
    private List<ExtractedDocument> documents = new ArrayList<>();

    public JobRun(IngestJob job, String attempt) {
        this.job = job;
        this.attempt = attempt;
    }

    public IngestJob job() {
        return job;
    }

    /** The lease owner of this attempt: every write the attempt makes is conditional on still holding it. */
    public String attempt() {
        return attempt;
    }

    public Path source() {
        return source;
    }

    public boolean directory() {
        return directory;
    }

    void temporary(Path file) {
        temporaryFiles.add(file);
    }

    /** Downloads and other files of this attempt only: removed when it ends, however it ends. */
    void deleteTemporaryFiles() {
        for (Path file : temporaryFiles) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove " + file, e);
            }
        }
        temporaryFiles.clear();
    }

    void fetched(Path path, boolean isDirectory) {
        this.source = path;
        this.directory = isDirectory;
    }

    void verified(long size, String sha256) {
        this.verifiedSize = size;
        this.verifiedChecksum = sha256;
    }

    /** What verification learned, for the next write of the job. */
    public JobStore.SourceFacts facts() {
        String named = source == null || directory || source.getFileName() == null ? null
                : ContentTypes.fromName(source.getFileName().toString()).orElse(null);
        return new JobStore.SourceFacts(verifiedSize, verifiedChecksum, named);
    }

    long lastWriteNanos() {
        return lastWriteNanos;
    }

    void wrote(long nanos) {
        this.lastWriteNanos = nanos;
    }

    public String mimeType() {
        return mimeType;
    }

    void detected(String type) {
        this.mimeType = type;
    }

    public List<ExtractedDocument> documents() {
        return documents;
    }

    void documents(List<ExtractedDocument> docs) {
        this.documents = docs;
    }

    @Override
    public String toString() {
        return "job " + job.id() + " (attempt " + attempt + ")";
    }
}
