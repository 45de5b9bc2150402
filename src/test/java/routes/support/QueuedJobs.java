package routes.support;

import java.time.Instant;
import java.util.UUID;

import routes.db.Dialect;
import routes.job.IngestJob;
import routes.job.JobStage;
import routes.job.JobStatus;

/** A job row as tests seed it straight into the store: a file source, no document yet. */
public final class QueuedJobs {

    private QueuedJobs() {
    }

    public static IngestJob job(UUID jobId, UUID project, UUID source, JobStatus status, int attempts) {
        return keyed(jobId, project, source, status, attempts, null);
    }

    /** The same, holding a version of the document {@code documentKey}. */
    public static IngestJob keyed(UUID jobId, UUID project, UUID source, JobStatus status, int attempts,
            String documentKey) {
        Instant now = Dialect.now();
        return new IngestJob(jobId, project, null, "file:///tmp/x.txt", "x.txt", null, null, null,
                JobStage.INITIAL, now, now, null, null, null, status, 0.0, "Queued", null, null, null,
                source, attempts, documentKey, null);
    }
}
