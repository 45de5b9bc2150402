package routes.processing;

import java.util.UUID;

import routes.db.Database;
import routes.document.DocumentStore;
import routes.job.JobStage;
import routes.job.JobStore;

/**
 * Stage store: the attempt's documents and chunks replace any earlier attempt's, and the job completes, in one
 * transaction: both happen, or neither (a cancel or take-over that came first wins and nothing is stored).
 */
public final class StoreStage {

    private final StageProgress progress;
    private final Database db;
    private final JobStore jobs;
    private final DocumentStore documents;

    public StoreStage(StageProgress progress, Database db, JobStore jobs, DocumentStore documents) {
        this.progress = progress;
        this.db = db;
        this.jobs = jobs;
        this.documents = documents;
    }

    public JobRun store(JobRun run) {
        if (run.staged() != null) {
            return publish(run);
        }
        int chunkCount = run.documents().stream().mapToInt(d -> d.chunks().size()).sum();
        progress.enter(run, JobStage.STORE, "Storing " + Counts.of(chunkCount) + " chunks");
        boolean tree = run.indexable();
        String done = tree
                ? "Indexed " + Counts.of(run.documents().size() - 1) + " files, " + Counts.of(chunkCount) + " chunks"
                : "Extracted " + Counts.of(run.documents().get(0).characters()) + " characters, "
                        + Counts.of(chunkCount) + " chunks";
        return complete(run, done, c -> documents.replaceForJob(c, run.job().projectId(), run.job().id(),
                run.documents(), tree));
    }

    /** A tree stored in batches: its staged documents become the job's as it completes, in one transaction. */
    private JobRun publish(JobRun run) {
        JobRun.Staged staged = run.staged();
        progress.enter(run, JobStage.STORE, "Storing " + Counts.of(staged.chunks()) + " chunks");
        String done = "Indexed " + Counts.of(staged.files()) + " files, " + Counts.of(staged.chunks()) + " chunks";
        return complete(run, done, c -> {
            documents.publish(c, run.job().id(), run.attempt());
            return staged.root();
        });
    }

    /**
     * In one transaction: {@code documents} makes the attempt's documents the job's (returning the canonical one)
     * and the job completes; both happen, or neither (a cancel or take-over that came first wins).
     */
    private JobRun complete(JobRun run, String done, Database.Work<UUID> documents) {
        boolean completed = db.inTransaction(c -> {
            UUID canonical = documents.run(c);
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
}
