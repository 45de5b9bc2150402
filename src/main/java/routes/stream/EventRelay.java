package routes.stream;

import java.time.Duration;
import java.util.List;

import org.apache.camel.Body;
import routes.job.JobEvents;

/**
 * The relay of the outbox to the audit topic, called by the {@code status-relay} route. Only the instance holding
 * the relay lease relays, so events leave in seq order per project; the lease is renewed at a third of its length,
 * and taken over by another instance when its holder stops renewing (it died).
 */
public final class EventRelay {

    private final JobEvents events;
    private final String owner;
    private final Duration lease;
    private final int batch;
    private long renewAt;

    public EventRelay(JobEvents events, String owner, Duration lease, int batch) {
        this.events = events;
        this.owner = owner;
        this.lease = lease;
        this.batch = batch;
    }

    /** The next events to relay, oldest first per project; empty when another instance relays. */
    public synchronized List<JobEvents.Stored> pending() {
        long now = System.nanoTime();
        if (now >= renewAt) {
            if (!events.holdRelay(owner, lease)) {
                renewAt = 0;
                return List.of();
            }
            renewAt = now + lease.toNanos() / 3;
        }
        return events.unpublished(batch);
    }

    /** The batch is on the topic: not relayed again. */
    public void published(@Body List<JobEvents.Stored> relayed) {
        events.markPublished(relayed);
    }

    /** Retention of published events, called by the purge route. */
    public int purge(int retentionDays) {
        return events.purge(routes.db.Dialect.now().minus(Duration.ofDays(retentionDays)));
    }
}
