package routes.processing;

import java.util.List;

import routes.document.ExtractedDocument;
import routes.failure.PermanentFailure;
import routes.job.JobStage;

/** Stage extract: the text of a single file, which becomes the job's one document. */
public final class ExtractStage {

    private final StageProgress progress;
    private final TextExtractor extractor;

    public ExtractStage(StageProgress progress, TextExtractor extractor) {
        this.progress = progress;
        this.extractor = extractor;
    }

    public JobRun extract(JobRun run) {
        progress.enter(run, JobStage.EXTRACT, "Extracting text from " + run.fileName());
        TextExtractor.Extraction extraction = extractor.extract(run.source(), run.mimeType(), run.fileName());
        if (extraction.text().isBlank()) {
            throw new PermanentFailure("No text could be extracted from " + run.fileName() + " (" + run.mimeType() + ")");
        }
        run.documents(List.of(new ExtractedDocument(run.fileName(), extraction.title(), run.mimeType(),
                run.verifiedSize(), run.verifiedChecksum(), extraction.text(), List.of())));
        return run;
    }
}
