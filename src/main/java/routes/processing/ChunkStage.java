package routes.processing;

/** Stage chunk: every document's text split into overlapping chunks; source code at line breaks. */
public final class ChunkStage {

    private final StageProgress progress;
    private final ChunkSplitter splitter;

    public ChunkStage(StageProgress progress, ChunkSplitter splitter) {
        this.progress = progress;
        this.splitter = splitter;
    }

    public JobRun chunk(JobRun run) {
        if (run.staged() != null) {
            // a tree was chunked file by file as it was indexed, and stored in batches
            progress.enter(run, routes.job.JobStage.CHUNK, "Chunked " + Counts.of(run.staged().files()) + " document(s)");
            return run;
        }
        int files = run.documents().size() - (run.indexable() ? 1 : 0);
        progress.enter(run, routes.job.JobStage.CHUNK, "Chunking " + Counts.of(files) + " document(s)");
        run.documents(run.documents().stream()
                .map(d -> d.withChunks(splitter.split(d.text(), TextExtractor.isCode(d.path())))).toList());
        return run;
    }
}
