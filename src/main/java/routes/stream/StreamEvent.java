package routes.stream;

import java.util.UUID;

/** One event on its way to stream clients: routing keys and its JSON as sent. */
public record StreamEvent(UUID projectId, UUID jobId, long seq, String type, String status, String payload) {

    /** The last event of a job's life: after it, a per-job event stream has nothing more to say. */
    public boolean terminal() {
        return type.equals(routes.job.JobEvents.DELETED) || status.equals("completed") || status.equals("failed")
                || status.equals("cancelled");
    }
}
