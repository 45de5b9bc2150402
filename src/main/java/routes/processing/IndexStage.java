package routes.processing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import java.util.UUID;

import routes.document.DocumentStore;
import routes.document.ExtractedDocument;
import routes.failure.PermanentFailure;
import routes.job.JobStage;
import routes.source.ArchiveUnpacker;
import routes.storage.Sha256;

/**
 * Stage index: a tree (directory, repository checkout, or an archive unpacked first) becomes a root document and one
 * document per text file. Progress advances per file, and a cancel is noticed between two files. Each file is
 * chunked as it is read, and the documents go to the database in batches, staged by this attempt: what the attempt
 * holds in memory is one batch, not the tree. They become the job's documents when the job completes.
 */
public final class IndexStage {

    /** A batch is also written once it holds this much text, however few files that is. */
    private static final long BATCH_CHARS = 4_000_000;

    private final StageProgress progress;
    private final ArchiveUnpacker unpacker;
    private final TreeIndexer indexer;
    private final TextExtractor extractor;
    private final Path tempDir;
    private final ChunkSplitter splitter;
    private final DocumentStore store;
    private final int batchFiles;

    public IndexStage(StageProgress progress, ArchiveUnpacker unpacker, TreeIndexer indexer, TextExtractor extractor,
            Path tempDir, ChunkSplitter splitter, DocumentStore store, int batchFiles) {
        this.progress = progress;
        this.unpacker = unpacker;
        this.indexer = indexer;
        this.extractor = extractor;
        this.tempDir = tempDir;
        this.splitter = splitter;
        this.store = store;
        this.batchFiles = batchFiles;
    }

    public JobRun index(JobRun run) {
        Path root = run.source();
        // A git checkout holds tracked files only: its ignore rules were applied by git.
        boolean applyGitignore = !run.checkout();
        if (!run.tree()) {
            progress.enter(run, JobStage.INDEX, "Unpacking " + run.fileName());
            ArchiveUnpacker.Unpacked unpacked = unpacker.unpack(run.source(), run.mimeType(), tempDir,
                    progress.checkpoint(run, JobStage.INDEX));
            run.temporary(unpacked.directory());
            root = unpacked.root();
        }
        List<Path> files = indexer.files(root, applyGitignore);
        progress.enter(run, JobStage.INDEX, "Indexing " + files.size() + " files of " + run.fileName());
        ExtractedDocument rootDocument = new ExtractedDocument(".", run.fileName(),
                run.tree() ? DetectStage.DIRECTORY_TYPE : run.mimeType(), run.verifiedSize(), run.verifiedChecksum(), "",
                List.of());
        UUID rootId = store.stage(run.job().projectId(), run.job().id(), run.attempt(), null, List.of(rootDocument))
                .get(0);
        List<ExtractedDocument> batch = new ArrayList<>();
        long batchChars = 0;
        int stored = 0;
        int chunks = 0;
        double span = JobStage.CHUNK.progress() - JobStage.INDEX.progress();
        for (int i = 0; i < files.size(); i++) {
            String relative = files.get(i).toString().replace('\\', '/');
            progress.step(run, JobStage.INDEX, JobStage.INDEX.progress() + span * i / files.size(),
                    "Indexing file " + (i + 1) + " of " + files.size() + ": " + relative);
            progress.beforeFile(run);
            byte[] bytes = read(root.resolve(files.get(i)));
            if (TextDecoder.looksBinary(bytes)) {
                continue;
            }
            TextExtractor.Extraction extraction = extractor.textFile(bytes, relative);
            if (extraction.text().isBlank()) {
                continue;
            }
            ExtractedDocument document = new ExtractedDocument(relative, extraction.title(),
                    TextExtractor.typeOfFile(relative), (long) bytes.length, Sha256.of(bytes), extraction.text(),
                    List.of()).withChunks(splitter.split(extraction.text(), TextExtractor.isCode(relative)));
            batch.add(document);
            batchChars += extraction.text().length();
            chunks += document.chunks().size();
            if (batch.size() >= batchFiles || batchChars >= BATCH_CHARS) {
                stored += flush(run, rootId, batch);
                batchChars = 0;
            }
        }
        stored += flush(run, rootId, batch);
        if (stored == 0) {
            // the staged root goes with the sweep of unpublished documents once the job has failed
            throw new PermanentFailure("No text files found in " + run.fileName());
        }
        run.documents(List.of(rootDocument));
        run.staged(new JobRun.Staged(rootId, stored, chunks));
        return run;
    }

    private int flush(JobRun run, UUID rootId, List<ExtractedDocument> batch) {
        if (batch.isEmpty()) {
            return 0;
        }
        store.stage(run.job().projectId(), run.job().id(), run.attempt(), rootId, batch);
        int n = batch.size();
        batch.clear();
        return n;
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
