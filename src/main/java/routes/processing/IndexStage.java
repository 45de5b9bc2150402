package routes.processing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import routes.document.ExtractedDocument;
import routes.failure.PermanentFailure;
import routes.job.JobStage;
import routes.source.ArchiveUnpacker;
import routes.storage.Sha256;

/**
 * Stage index: a tree (directory, repository checkout, or an archive unpacked first) becomes a root document and one
 * document per text file. Progress advances per file, and a cancel is noticed between two files.
 */
public final class IndexStage {

    private final StageProgress progress;
    private final ArchiveUnpacker unpacker;
    private final TreeIndexer indexer;
    private final TextExtractor extractor;
    private final Path tempDir;

    public IndexStage(StageProgress progress, ArchiveUnpacker unpacker, TreeIndexer indexer, TextExtractor extractor,
            Path tempDir) {
        this.progress = progress;
        this.unpacker = unpacker;
        this.indexer = indexer;
        this.extractor = extractor;
        this.tempDir = tempDir;
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
        List<ExtractedDocument> docs = new ArrayList<>();
        docs.add(new ExtractedDocument(".", run.fileName(), run.tree() ? DetectStage.DIRECTORY_TYPE : run.mimeType(),
                run.verifiedSize(), run.verifiedChecksum(), "", List.of()));
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
            docs.add(new ExtractedDocument(relative, extraction.title(), TextExtractor.typeOfFile(relative),
                    (long) bytes.length, Sha256.of(bytes), extraction.text(), List.of()));
        }
        if (docs.size() == 1) {
            throw new PermanentFailure("No text files found in " + run.fileName());
        }
        run.documents(docs);
        return run;
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
