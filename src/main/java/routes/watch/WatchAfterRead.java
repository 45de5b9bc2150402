package routes.watch;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import routes.watch.WatchSettings.AfterRead;

/**
 * What happens to a watched object once its job exists (moved to the processed prefix, deleted, or left in place
 * in mirror mode), or once it was rejected (moved to the rejected prefix with {@code <name>.reason.json} beside it).
 * Every step can be repeated: a round finishes what an instance that died did not.
 */
public final class WatchAfterRead {

    private static final Logger LOG = LoggerFactory.getLogger(WatchAfterRead.class);

    private final WatchSettings settings;
    private final WatchBucket bucket;
    private final WatchLedger ledger;
    private final ObjectMapper json;
    private final String owner;

    public WatchAfterRead(WatchSettings settings, WatchBucket bucket, WatchLedger ledger, ObjectMapper json,
            String owner) {
        this.settings = settings;
        this.bucket = bucket;
        this.ledger = ledger;
        this.json = json;
        this.owner = owner;
    }

    /** The object's job was created (or was already: a finished task). */
    public void accepted(WatchTask task) {
        String key = task.object().key();
        if (settings.afterRead() == AfterRead.MOVE) {
            bucket.move(key, settings.processedPrefix() + key);
        } else if (settings.afterRead() == AfterRead.DELETE) {
            bucket.delete(key);
        }
    }

    /** A task of a round that only finishes: the after-read step of an accepted or a rejected object. */
    public void finish(WatchTask task) {
        if (task.kind() == WatchTask.Kind.FINISH_REJECTED) {
            bucket.move(task.object().key(), settings.rejectedPrefix() + task.object().key());
        } else {
            accepted(task);
        }
    }

    /** The object broke a rule: recorded in the ledger, its reason written beside it, then moved aside. */
    public void rejected(WatchTask task, ObjectRejected rejection) {
        WatchedObject o = task.object();
        LOG.info("Rejected watched object {}: {}", o.uri(), rejection.getMessage());
        ledger.reject(o, owner, rejection.getMessage());
        Map<String, Object> reason = new LinkedHashMap<>();
        reason.put("object", o.uri());
        reason.put("reason", rejection.getMessage());
        reason.put("setting", rejection.setting());
        reason.put("rejected_at", Instant.now().toString());
        reason.put("service", "cortex-ingest");
        String destination = settings.rejectedPrefix() + o.key();
        try {
            bucket.putJson(destination + ".reason.json", json.writerWithDefaultPrettyPrinter().writeValueAsString(reason));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a reason as JSON", e);
        }
        bucket.move(o.key(), destination);
        task.round().rejected.incrementAndGet();
    }
}
