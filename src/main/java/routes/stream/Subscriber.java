package routes.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One connected client of a project's events (all jobs, or one). It starts held: live events are kept aside while
 * the replay from the database is written, then those not already replayed follow, so the seam between replay and
 * live has no gap and no duplicate (seq decides). Writes never block: a client whose buffer is full, or who fell
 * more than {@code maxHeld} events behind during its replay, is closed with a reason and can resume from its last
 * seq.
 */
final class Subscriber {

    private final UUID projectId;
    private final UUID jobId;
    private final StreamSink sink;
    private final int maxHeld;
    private final boolean endAfterTerminal;
    private final List<StreamEvent> held = new ArrayList<>();
    private boolean live;
    private boolean closed;
    private long lastSeq;

    Subscriber(UUID projectId, UUID jobId, StreamSink sink, int maxHeld, boolean endAfterTerminal) {
        this.projectId = projectId;
        this.jobId = jobId;
        this.sink = sink;
        this.maxHeld = maxHeld;
        this.endAfterTerminal = endAfterTerminal;
    }

    UUID projectId() {
        return projectId;
    }

    synchronized boolean closed() {
        return closed;
    }

    /** A live event from the hub. */
    synchronized void offer(StreamEvent event) {
        if (closed || (jobId != null && !jobId.equals(event.jobId()))) {
            return;
        }
        if (!live) {
            if (held.size() >= maxHeld) {
                close("Too many events arrived during the replay; reconnect with after=" + lastSeq);
                return;
            }
            held.add(event);
            return;
        }
        deliver(event);
    }

    /** A replayed event (or snapshot) written before the subscriber goes live. */
    synchronized void replay(StreamEvent event) {
        deliver(event);
    }

    /** Written what the snapshot or replay covers (up to {@code seq}): now the held live events, then live. */
    synchronized void goLive(long seq) {
        lastSeq = Math.max(lastSeq, seq);
        live = true;
        for (StreamEvent event : held) {
            deliver(event);
        }
        held.clear();
    }

    /** Past its replay: receiving live events. */
    synchronized boolean live() {
        return live && !closed;
    }

    private void deliver(StreamEvent event) {
        // Snapshots and resets carry the seq they are current at, which is not a new event's: always written.
        if (closed || event.change() && event.seq() <= lastSeq) {
            return;
        }
        if (sink.full()) {
            close("Client too slow: its buffer is full; reconnect with after=" + lastSeq);
            return;
        }
        sink.write(event);
        lastSeq = Math.max(lastSeq, event.seq());
        if (endAfterTerminal && event.terminal()) {
            finish();
        }
    }

    /** The job's stream has said everything: its job is over. */
    synchronized void finish() {
        end(sink -> sink.finish("The job reached a terminal status"));
    }

    synchronized void close(String reason) {
        close(reason, false);
    }

    synchronized void close(String reason, boolean goingAway) {
        end(sink -> sink.close(reason, goingAway));
    }

    /** Ends the stream once, however it ends: nothing held is written after. */
    private void end(java.util.function.Consumer<StreamSink> how) {
        if (!closed) {
            closed = true;
            held.clear();
            how.accept(sink);
        }
    }

    /** The periodic check: a keep-alive, or closing a client that stopped answering. */
    synchronized void check() {
        if (!closed && !sink.alive()) {
            close("No answer to pings; reconnect with after=" + lastSeq);
        }
    }
}
