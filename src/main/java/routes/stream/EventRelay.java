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
    private final java.util.function.Consumer<List<JobEvents.Stored>> sending;
    private final java.util.function.IntConsumer relayed;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(EventRelay.class);

    private long renewAt;
    /** Told of a batch the broker did not take: the broker's outage log counts it (its probe reports the outage). */
    private final routes.health.OutageLog brokerOutage;

    /**
     * @param sending told of each batch before it is sent (this instance's hub then knows its events when they come
     *                back from the topic)
     * @param relayed told how many events each batch put on the topic (the metrics count them)
     */
    public EventRelay(JobEvents events, String owner, Duration lease, int batch,
            java.util.function.Consumer<List<JobEvents.Stored>> sending, java.util.function.IntConsumer relayed,
            routes.health.OutageLog brokerOutage) {
        this.brokerOutage = brokerOutage;
        this.sending = sending;
        this.relayed = relayed;
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
        events.sequence(owner, batch);
        List<JobEvents.Stored> next = events.unpublished(batch);
        sending.accept(next);
        return next;
    }

    /** The batch is on the topic: not relayed again. */
    public void published(@Body List<JobEvents.Stored> batch) {
        events.markPublished(batch);
        relayed.accept(batch.size());
    }

    /**
     * The relay could not reach the broker: the events stay in the outbox and go with a later batch. Logged once per
     * minute at most, not on every tick of the relay timer.
     */
    public void failed(@org.apache.camel.ExchangeProperty("CamelExceptionCaught") Exception error) {
        // the events stay in the outbox and go with a later batch
        LOG.debug("Events stay in the outbox until the audit topic is reachable again: {}", error.getMessage());
        brokerOutage.failed(error, "status-relay");
    }

    /** Retention of published events, called by the purge route. */
    public int purge(int retentionDays) {
        return events.purge(routes.db.Dialect.now().minus(Duration.ofDays(retentionDays)));
    }
}
