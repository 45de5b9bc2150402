package routes.job;

/**
 * The outcome of a creating request: the job as committed, and whether it is new (to hand over) or an idempotent
 * replay of an earlier request.
 */
public record CreatedJob(IngestJob job, boolean fresh) {

    public String jobId() {
        return job.id().toString();
    }
}
