package routes.stream;

import java.util.UUID;

/** One event on its way to stream clients: routing keys and its JSON as sent. */
public record StreamEvent(UUID projectId, UUID jobId, long seq, String type, String status, String payload) {

    /** A recorded event from the outbox. */
    public static StreamEvent of(routes.job.JobEvents.Stored e) {
        return new StreamEvent(e.projectId(), e.jobId(), e.seq(), e.type(), e.status(), e.payload());
    }

    /** A recorded change (not a snapshot or a reset): its seq is its own, and a client gets it once. */
    public boolean change() {
        return type.startsWith("ingest.job.") && !type.equals(routes.job.JobEvents.SNAPSHOT);
    }

    /** The last event of a job's life: after it, a per-job event stream has nothing more to say. */
    public boolean terminal() {
        return type.equals(routes.job.JobEvents.DELETED)
                || routes.job.JobStatus.parse(status).map(routes.job.JobStatus::isTerminal).orElse(false);
    }
}
