package routes.watch;

import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import routes.watch.WatchLedger.Entry;
import routes.watch.WatchLedger.State;
import routes.watch.WatchSettings.AfterRead;

/**
 * One sync round of the watched prefixes, for the s3-watch route: a complete listing of every prefix, then, from the
 * listing and the ledger alone (no object is read yet), what to do with each object: claim and ingest it, finish
 * an after-read step an instance did not get to, or nothing (settling, claimed by another instance, unchanged).
 */
public final class S3Watch {

    private static final Logger LOG = LoggerFactory.getLogger(S3Watch.class);

    private final WatchSettings settings;
    private final WatchBucket bucket;
    private final WatchLedger ledger;
    private final WatchMirror mirror;
    private final WatchStatus status;
    private final String owner;
    private final com.fasterxml.jackson.databind.ObjectMapper json;

    public S3Watch(WatchSettings settings, WatchBucket bucket, WatchLedger ledger, WatchMirror mirror,
            WatchStatus status, String owner, com.fasterxml.jackson.databind.ObjectMapper json) {
        this.json = json;
        this.settings = settings;
        this.bucket = bucket;
        this.ledger = ledger;
        this.mirror = mirror;
        this.status = status;
        this.owner = owner;
    }

    public WatchRound round() {
        WatchRound round = new WatchRound();
        if (status.backingOff()) {
            round.listingFailed("backing off after a failed listing: " + status.lastError());
            return round;
        }
        Map<String, List<WatchedObject>> listings = new LinkedHashMap<>();
        try {
            for (String prefix : settings.prefixes()) {
                listings.put(prefix, bucket.list(prefix));
            }
        } catch (RuntimeException e) {
            String error = e.getClass().getSimpleName() + ": " + e.getMessage();
            status.listingFailed(error);
            round.listingFailed(error);
            LOG.warn("Listing of the watched prefixes in bucket {} failed; nothing changes this round: {}",
                    bucket.name(), error);
            return round;
        }
        status.listed();
        Instant now = Instant.now();
        Instant settledBefore = now.minus(settings.minAge());
        int claims = 0;
        boolean mirrored = settings.afterRead() == AfterRead.MIRROR;
        for (Map.Entry<String, List<WatchedObject>> listing : listings.entrySet()) {
            String prefix = listing.getKey();
            Map<String, WatchMirror.Current> current = mirrored ? mirror.under(bucket.name(), prefix) : Map.of();
            Map<String, Entry> entries = ledger.entries(bucket.name(), listing.getValue());
            Set<String> listedKeys = new HashSet<>();
            for (WatchedObject o : listing.getValue()) {
                if (o.key().endsWith("/")) {
                    continue; // a folder marker, not a file
                }
                listedKeys.add(o.key());
                round.seen.incrementAndGet();
                Entry entry = entries.get(WatchLedger.id(o.key(), o.etag()));
                if (entry != null && entry.judgedAfresh(o)) {
                    ledger.reopen(o);
                    entry = null;
                }
                if (entry != null && entry.state() == State.ACCEPTED) {
                    round.unchanged.incrementAndGet();
                    if (!mirrored) {
                        round.add(new WatchTask(WatchTask.Kind.FINISH, o, prefix, round));
                    }
                    continue;
                }
                if (entry != null && entry.state() == State.REJECTED) {
                    round.add(new WatchTask(WatchTask.Kind.FINISH_REJECTED, o, prefix, round,
                            WatchAfterRead.reasonFile(o, entry.reason(), json)));
                    continue;
                }
                if (o.lastModified().isAfter(settledBefore)) {
                    round.settling.incrementAndGet();
                    continue;
                }
                boolean claimedElsewhere = entry != null && entry.leaseUntil() != null && entry.leaseUntil().isAfter(now);
                if (claimedElsewhere || claims >= settings.maxObjectsPerRound()) {
                    continue;
                }
                if (ledger.claim(o, owner, settings.lease())) {
                    claims++;
                    WatchMirror.Current previous = current.get(o.key());
                    (previous == null ? round.fresh : round.changed).incrementAndGet();
                    round.add(new WatchTask(WatchTask.Kind.INGEST, o, prefix, round));
                }
            }
            if (mirrored) {
                round.retired.addAndGet(mirror.sync(bucket.name(), current, listedKeys));
            }
        }
        return round;
    }

    /**
     * An object's read or job failed for a reason that may pass (S3, database): no job was created, and the claim is
     * given up for a later round. S3 out of reach ends the round at once (every other object would fail the same
     * way, each after its own timeout) and makes the watch unhealthy until a listing succeeds again.
     */
    public void failed(WatchTask task, Exception error) {
        task.round().failed.incrementAndGet();
        ledger.release(task.object(), owner);
        if (WatchBucket.unreachable(error)) {
            stop(task.round(), error);
        } else {
            LOG.warn("Watched object {} not taken this round, retried later: {}", task.object().shown(),
                    error.getMessage());
        }
    }

    /**
     * The object's job exists, but its after-read step (move, delete, or the move to the rejected prefix) failed: a
     * later round finishes it from the ledger. S3 out of reach ends the round as in {@link #failed}.
     */
    public void afterReadFailed(WatchTask task, Exception error) {
        if (WatchBucket.unreachable(error)) {
            // the round's one warning says it; the ledger finishes this object's step in a later round
            stop(task.round(), error);
        } else {
            LOG.warn("After-read step of watched object {} failed (it was judged: no object is judged twice); a later"
                    + " round finishes it: {}", task.object().shown(), error.getMessage());
        }
    }

    private void stop(WatchRound round, Exception error) {
        String reason = "S3 unreachable during a round: " + error.getMessage();
        if (round.stop(reason)) {
            status.listingFailed(reason);
            LOG.warn("Watch round of bucket {} stopped at the first unreachable request; the objects left are taken"
                    + " when S3 answers again: {}", bucket.name(), error.getMessage());
        }
    }

    /**
     * The round is over: claims of objects it did not get to (it stopped early) are given up, its report goes to the
     * log (when it did anything) and the health details.
     */
    public void finished(WatchRound round) {
        if (round.stopped()) {
            for (WatchTask task : round.tasks()) {
                if (task.ingest()) {
                    ledger.release(task.object(), owner);
                }
            }
        }
        status.finished(round);
        if (round.listingError() == null && !round.stopped() && (round.fresh.get() + round.changed.get() + round.rejected.get()
                + round.retired.get() + round.failed.get() > 0)) {
            LOG.info("Watch round of bucket {}: {}", bucket.name(), round);
        }
    }
}
