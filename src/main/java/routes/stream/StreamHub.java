package routes.stream;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.Body;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import routes.job.JobEvents;
import routes.project.Ids;

/**
 * The clients connected to this instance's streams, by project. The status fan-out route hands every committed
 * event here (from the audit topic, so clients of every instance see every event); the hub offers it to the
 * project's subscribers. Offering never blocks: each subscriber has its own bounded buffer.
 *
 * <p>The topic subscription is not durable: while the broker restarts, events the relay sends before the
 * subscription is back never arrive. A project's events carry consecutive seqs, so the hub sees such a loss as a
 * jump and reads the missed events back from the outbox before the event that showed it; subscribers drop what
 * they already have, so nothing reaches a client twice.
 */
public final class StreamHub {

    private static final Logger LOG = LoggerFactory.getLogger(StreamHub.class);

    private final Map<UUID, Set<Subscriber>> byProject = new ConcurrentHashMap<>();
    /** The highest seq handed on, per project: where a jump starts. */
    private final Map<UUID, Long> lastSeq = new ConcurrentHashMap<>();
    private final JobEvents events;
    private final int maxFill;

    /** @param maxFill the most missed events read back for one jump (a client further behind resumes by itself) */
    public StreamHub(JobEvents events, int maxFill) {
        this.events = events;
        this.maxFill = maxFill;
    }

    /**
     * Called by the fan-out route for each message of the audit topic, in seq order per project. The message only
     * says which event to pass on: what clients get is the event as the outbox holds it. A message that names no
     * event of the outbox (forged by another client of the broker, or garbled) is dropped.
     */
    public void publish(@Header("project_id") String projectId, @Header("job_id") String jobId, @Header("seq") Long seq,
            @Header("status") String status, @Body String payload) {
        Optional<UUID> project = Ids.parse(projectId);
        Optional<UUID> job = Ids.parse(jobId);
        if (project.isEmpty() || job.isEmpty() || seq == null || seq < 1) {
            LOG.warn("Dropped a message of the audit topic that names no event (project {}, job {}, seq {})",
                    projectId, jobId, seq);
            return;
        }
        changed(job.get(), status);
        JobEvents.Stored mine = relayedHere.remove(projectId + ":" + seq);
        Set<Subscriber> subscribers = byProject.get(project.get());
        if (subscribers == null || subscribers.isEmpty()) {
            // Nobody here to pass it on to: not even read back (one read per event per instance, for nothing). The
            // project's seq is tracked again from the next subscriber's own position (wentLive).
            lastSeq.remove(project.get());
            return;
        }
        if (mine != null && mine.jobId().equals(job.get()) && mine.payload().equals(payload)) {
            publish(StreamEvent.of(mine));
            return;
        }
        List<JobEvents.Stored> stored = events.after(project.get(), null, seq - 1, 1);
        if (stored.isEmpty() || stored.get(0).seq() != seq || !stored.get(0).jobId().equals(job.get())
                || !stored.get(0).payload().equals(payload)) {
            LOG.warn("Dropped a message of the audit topic that is not the service's event {} of project {}", seq,
                    projectId);
            return;
        }
        publish(StreamEvent.of(stored.get(0)));
    }

    /**
     * Events this instance's relay just put on the topic, as the outbox holds them: when they come back from the topic
     * they are known without reading them back (a read per event made the fan-out lag behind intake). Bounded: an
     * instance that does not consume the topic, or falls far behind, reads back as before.
     */
    public void relayedHere(List<JobEvents.Stored> batch) {
        if (relayedHere.size() > MAX_RELAYED_HERE) {
            relayedHere.clear();
        }
        for (JobEvents.Stored e : batch) {
            relayedHere.put(e.projectId() + ":" + e.seq(), e);
        }
    }

    private static final int MAX_RELAYED_HERE = 20_000;
    private final Map<String, JobEvents.Stored> relayedHere = new ConcurrentHashMap<>();

    /** Eager mode: straight from the outbox. */
    public void publishStored(@Body JobEvents.Stored e) {
        changed(e.jobId(), e.status());
        publish(StreamEvent.of(e));
    }

    /** Told of each job change that reaches this instance, whoever made it (the search index follows them). */
    @FunctionalInterface
    public interface JobChanges {
        void changed(UUID jobId, String status);
    }

    private final List<JobChanges> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    public void listen(JobChanges listener) {
        listeners.add(listener);
    }

    private void changed(UUID jobId, String status) {
        for (JobChanges listener : listeners) {
            try {
                listener.changed(jobId, status);
            } catch (RuntimeException e) {
                LOG.warn("A listener of job changes failed on job {}: {}", jobId, e.toString());
            }
        }
    }

    public void publish(StreamEvent event) {
        Set<Subscriber> subscribers = byProject.get(event.projectId());
        if (event.change()) {
            Long last = lastSeq.get(event.projectId());
            lastSeq.merge(event.projectId(), event.seq(), Math::max);
            if (subscribers != null && last != null && event.seq() > last + 1) {
                int missing = (int) Math.min(event.seq() - last - 1, maxFill);
                for (JobEvents.Stored missed : events.after(event.projectId(), null, last, missing)) {
                    offer(subscribers, StreamEvent.of(missed));
                }
            }
        }
        if (subscribers != null) {
            offer(subscribers, event);
        }
    }

    private static void offer(Set<Subscriber> subscribers, StreamEvent event) {
        for (Subscriber s : subscribers) {
            s.offer(event);
            if (s.closed()) {
                subscribers.remove(s);
            }
        }
    }

    /**
     * A subscriber went live after what it read from the database, up to {@code seq}: if the hub has seen no event of
     * the project yet, a later jump is counted from there.
     */
    void wentLive(UUID projectId, long seq) {
        lastSeq.putIfAbsent(projectId, seq);
    }

    void add(Subscriber subscriber) {
        byProject.computeIfAbsent(subscriber.projectId(), p -> ConcurrentHashMap.newKeySet()).add(subscriber);
    }

    void remove(Subscriber subscriber) {
        Set<Subscriber> subscribers = byProject.get(subscriber.projectId());
        if (subscribers != null) {
            subscribers.remove(subscriber);
        }
    }

    /** Keep-alives and liveness checks of every client; the stream installer's timer calls this. */
    void check() {
        for (Set<Subscriber> subscribers : byProject.values()) {
            for (Subscriber s : subscribers) {
                s.check();
                if (s.closed()) {
                    subscribers.remove(s);
                }
            }
        }
    }

    void closeAll(String reason) {
        for (Set<Subscriber> subscribers : byProject.values()) {
            for (Subscriber s : subscribers) {
                s.close(reason, true);
            }
            subscribers.clear();
        }
    }

    /** Connected clients (live or still replaying). */
    public int clients() {
        return byProject.values().stream().mapToInt(Set::size).sum();
    }

    /** Clients of a project that are past their replay and receive live events. */
    public int liveClients(UUID projectId) {
        Set<Subscriber> subscribers = byProject.get(projectId);
        return subscribers == null ? 0 : (int) subscribers.stream().filter(Subscriber::live).count();
    }
}
