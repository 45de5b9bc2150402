package routes.watch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One sync round: the tasks it found in a complete listing of every watched prefix, and what came of them. A round
 * whose listing failed has no tasks and changes nothing.
 */
public final class WatchRound {

    private final List<WatchTask> tasks = new ArrayList<>();
    final AtomicInteger seen = new AtomicInteger();
    final AtomicInteger fresh = new AtomicInteger();
    final AtomicInteger changed = new AtomicInteger();
    final AtomicInteger unchanged = new AtomicInteger();
    final AtomicInteger settling = new AtomicInteger();
    final AtomicInteger accepted = new AtomicInteger();
    final AtomicInteger rejected = new AtomicInteger();
    final AtomicInteger retired = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    private String listingError;
    private volatile String stoppedBy;

    public List<WatchTask> tasks() {
        return tasks;
    }

    void add(WatchTask task) {
        tasks.add(task);
    }

    /** The listing failed: this round did nothing. */
    void listingFailed(String error) {
        listingError = error;
        tasks.clear();
    }

    String listingError() {
        return listingError;
    }

    /** Ends the round early (S3 out of reach): its remaining tasks are skipped. True for the first stop only. */
    synchronized boolean stop(String reason) {
        if (stoppedBy != null) {
            return false;
        }
        stoppedBy = reason;
        return true;
    }

    public boolean stopped() {
        return stoppedBy != null;
    }

    @Override
    public String toString() {
        if (listingError != null) {
            return "listing failed, nothing changed: " + listingError;
        }
        return (stoppedBy != null ? "stopped early (" + stoppedBy + "), " : "") + "seen " + seen + ", new " + fresh + ", changed " + changed + ", unchanged " + unchanged + ", settling "
                + settling + ", accepted " + accepted + ", rejected " + rejected + ", retired " + retired
                + ", failed " + failed;
    }
}
