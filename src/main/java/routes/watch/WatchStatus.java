package routes.watch;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the watch has done since start: its counters, its last listing, and whether it is backing off after a failed
 * one (an S3 outage: the watch is unhealthy and lists again after 1, 2, 4 ... up to 60 seconds).
 */
public final class WatchStatus {

    private static final Duration MAX_BACKOFF = Duration.ofSeconds(60);

    final AtomicLong seen = new AtomicLong();
    final AtomicLong accepted = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    final AtomicLong duplicatesSkipped = new AtomicLong();
    final AtomicLong retired = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    private volatile Instant lastListing;
    private volatile String lastError;
    private volatile String lastRound = "none yet";
    private int failures;
    private Instant nextAttempt = Instant.MIN;

    /** Whether a round should skip its listing: the last one failed and the backoff is not over. */
    synchronized boolean backingOff() {
        return Instant.now().isBefore(nextAttempt);
    }

    synchronized void listed() {
        lastListing = Instant.now();
        lastError = null;
        failures = 0;
        nextAttempt = Instant.MIN;
    }

    synchronized void listingFailed(String error) {
        lastError = error;
        failures++;
        long seconds = Math.min(MAX_BACKOFF.toSeconds(), 1L << Math.min(failures - 1, 10));
        nextAttempt = Instant.now().plusSeconds(seconds);
    }

    void finished(WatchRound round) {
        lastRound = round.toString();
        seen.addAndGet(round.seen.get());
        accepted.addAndGet(round.accepted.get());
        rejected.addAndGet(round.rejected.get());
        duplicatesSkipped.addAndGet(round.unchanged.get());
        retired.addAndGet(round.retired.get());
        failed.addAndGet(round.failed.get());
    }

    /** The counters by name, for the metrics: seen, accepted, rejected, duplicates_skipped, retired, failed_reads. */
    public Map<String, java.util.function.Supplier<Number>> counters() {
        Map<String, java.util.function.Supplier<Number>> counters = new LinkedHashMap<>();
        counters.put("seen", seen::get);
        counters.put("accepted", accepted::get);
        counters.put("rejected", rejected::get);
        counters.put("duplicates_skipped", duplicatesSkipped::get);
        counters.put("retired", retired::get);
        counters.put("failed_reads", failed::get);
        return counters;
    }

    /** Healthy while the last listing succeeded. */
    public boolean healthy() {
        return lastError == null;
    }

    public String lastError() {
        return lastError;
    }

    /** For the health check's details and, later, the metrics. */
    public Map<String, Object> details() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("last_listing", lastListing == null ? "never" : lastListing.toString());
        details.put("last_round", lastRound);
        details.put("objects_seen", seen.get());
        details.put("accepted", accepted.get());
        details.put("rejected", rejected.get());
        details.put("duplicates_skipped", duplicatesSkipped.get());
        details.put("retired", retired.get());
        details.put("failed_reads", failed.get());
        if (lastError != null) {
            details.put("error", lastError);
        }
        return details;
    }
}
