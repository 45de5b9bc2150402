package routes.processing;

import java.nio.file.Path;

import routes.job.JobStage;
import routes.source.SourceFetcher;

/** Stage fetch: the claim already moved the job here. The source is downloaded, cloned or read in place. */
public final class FetchStage {

    private final StageProgress progress;
    private final SourceFetcher sources;
    private final Path tempDir;

    public FetchStage(StageProgress progress, SourceFetcher sources, Path tempDir) {
        this.progress = progress;
        this.sources = sources;
        this.tempDir = tempDir;
    }

    public JobRun fetch(JobRun run) {
        progress.enter(run, JobStage.FETCH, SourceFetcher.describe(run.job().sourceUri()));
        SourceFetcher.Fetched fetched = sources.fetch(run.job().sourceUri(), run.job().originalFilename(), tempDir,
                progress.checkpoint(run, JobStage.FETCH));
        if (fetched.temporary()) {
            run.temporary(fetched.path());
        }
        run.fetched(fetched);
        return run;
    }
}
