package routes.processing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import routes.job.IngestJob;
import routes.document.ExtractedDocument;
import routes.job.JobStore;
import routes.source.ArchiveUnpacker;
import routes.source.SourceFetcher;
import routes.source.Trees;
import routes.storage.ContentTypes;

/** One attempt at a job, carried through the worker route's stages as the message body. */
public final class JobRun {

    private final IngestJob job;
    private final String attempt;
    private Path source;
    private boolean tree;
    private boolean checkout;
    private String fileName;
    private String declaredType;
    private String mimeType;
    private Long verifiedSize;
    private String verifiedChecksum;
    private final List<Path> temporaryFiles = new ArrayList<>();
    private routes.job.JobStage stage;
    private long stageDeadlineNanos = Long.MAX_VALUE;

    /** When this attempt last wrote the job (the claim counts). */
    private long lastWriteNanos = System.nanoTime();
    private List<ExtractedDocument> documents = new ArrayList<>();

    /** How many of the job's attempts count against its budget, this one included. */
    private final int charged;

    public JobRun(IngestJob job, String attempt, int charged) {
        this.job = job;
        this.attempt = attempt;
        this.charged = charged;
    }

    /** The job's attempts that count against its budget, this one included (not hand-backs, not storage waits). */
    public int charged() {
        return charged;
    }

    /** The attempt enters a stage: a new stage's deadline starts now; entering the same stage again keeps it. */
    void entered(routes.job.JobStage next, java.time.Duration deadline) {
        if (next != stage) {
            stage = next;
            long now = System.nanoTime();
            stageDeadlineNanos = deadline.toNanos() > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + deadline.toNanos();
        }
    }

    /** The stage the attempt is in (written to the job or not: stage writes are coalesced); null before any. */
    public routes.job.JobStage stage() {
        return stage;
    }

    long stageDeadlineNanos() {
        return stageDeadlineNanos;
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

    /** A directory, repository checkout or (after detection) nothing else: a tree is indexed, a file extracted. */
    public boolean tree() {
        return tree;
    }

    /** A git checkout holds tracked files only; its ignore rules need no second application. */
    boolean checkout() {
        return checkout;
    }

    /** The name the source's documents are known by: the job's original file name, else the fetched file's. */
    String fileName() {
        return fileName;
    }

    /**
     * Indexed file by file rather than extracted (a directory, repository or archive; known after detection): its
     * first document is the root. The worker route chooses the index or the extract stage by it.
     */
    public boolean indexable() {
        return tree || ArchiveUnpacker.isArchive(mimeType);
    }

    Long verifiedSize() {
        return verifiedSize;
    }

    String verifiedChecksum() {
        return verifiedChecksum;
    }

    void temporary(Path file) {
        temporaryFiles.add(file);
    }

    /** Downloads, clones and unpacked archives of this attempt only: removed when it ends, however it ends. */
    void deleteTemporaryFiles() {
        for (Path file : temporaryFiles) {
            Trees.delete(file);
        }
        temporaryFiles.clear();
    }

    void fetched(SourceFetcher.Fetched fetched) {
        this.source = fetched.path();
        this.tree = fetched.tree();
        this.checkout = fetched.checkout();
        String name = fetched.fileName();
        if (name == null || name.isBlank()) {
            name = fetched.path().getFileName() == null ? "/" : fetched.path().getFileName().toString();
        }
        this.fileName = name;
        this.declaredType = fetched.declaredType();
    }

    /**
     * The source was a compressed single file ({@code notes.txt.gz}): from now on the attempt works on what it held,
     * named without the compression's extension, its type detected afresh.
     */
    void decompressed(Path file, String name) {
        temporary(file.getParent());
        this.source = file;
        this.fileName = name;
        this.declaredType = null;
        this.decompressed = true;
        this.sourceType = "application/gzip";
    }

    /** The type of what was fetched, where it differs from what is extracted (a gzip of one file). */
    private String sourceType;

    /** Whether the source was decompressed: the job's declared type (application/gzip) no longer applies. */
    private boolean decompressed;

    /** The type the source declared: validated at upload (the job's), or what an http server said. */
    String declaredType() {
        return job.mimeType() != null && !decompressed ? job.mimeType() : declaredType;
    }

    void verified(long size, String sha256) {
        this.verifiedSize = size;
        this.verifiedChecksum = sha256;
    }

    /** What verification learned, for the next write of the job. */
    public JobStore.SourceFacts facts() {
        String named = source == null || tree ? null
                : sourceType != null ? sourceType
                : mimeType != null && !ContentTypes.OCTET_STREAM.equals(mimeType) ? mimeType
                : ContentTypes.fromName(fileName).orElse(null);
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

    /** A tree's documents went to the database in batches while it was indexed ({@link IndexStage}). */
    public record Staged(java.util.UUID root, int files, int chunks) {
    }

    private Staged staged;

    public Staged staged() {
        return staged;
    }

    void staged(Staged stored) {
        this.staged = stored;
    }

    void documents(List<ExtractedDocument> docs) {
        this.documents = docs;
    }

    @Override
    public String toString() {
        return "job " + job.id() + " (attempt " + attempt + ")";
    }
}
