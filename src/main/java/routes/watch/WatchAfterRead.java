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

    /**
     * The after-read step of a task: an object ingested now or before (moved, deleted or left), or one rejected (its
     * reason file written beside the rejected prefix's copy, then moved there). Every step can be repeated.
     */
    public void finish(WatchTask task) {
        if (task.kind() == WatchTask.Kind.FINISH_REJECTED) {
            String destination = settings.rejectedPrefix() + task.object().key();
            bucket.putJson(destination + ".reason.json", task.reason());
            bucket.move(task.object().key(), destination);
        } else {
            accepted(task);
        }
    }

    /**
     * The object broke a rule: recorded in the ledger with its reason file's content (no instance judges this version
     * again), and handed back as the task that moves it aside.
     */
    public WatchTask rejected(WatchTask task, ObjectRejected rejection) {
        WatchedObject o = task.object();
        LOG.info("Rejected watched object {}: {}", o.shown(), rejection.getMessage());
        Map<String, Object> reason = new LinkedHashMap<>();
        reason.put("object", o.uri());
        reason.put("reason", rejection.getMessage());
        reason.put("setting", rejection.setting());
        reason.put("what_to_do", rejection.remedy());
        reason.put("rejected_at", Instant.now().toString());
        reason.put("service", "cortex-ingest");
        String text;
        try {
            text = json.writerWithDefaultPrettyPrinter().writeValueAsString(reason);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a reason as JSON", e);
        }
        ledger.reject(o, owner, text);
        task.round().rejected.incrementAndGet();
        return task.rejectedFor(text);
    }

    /** A reason as the ledger keeps it, as a reason file: rows of older versions hold only the message. */
    static String reasonFile(WatchedObject o, String stored, ObjectMapper json) {
        if (stored != null && stored.startsWith("{")) {
            return stored;
        }
        Map<String, Object> reason = new LinkedHashMap<>();
        reason.put("object", o.uri());
        reason.put("reason", stored);
        reason.put("service", "cortex-ingest");
        try {
            return json.writerWithDefaultPrettyPrinter().writeValueAsString(reason);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a reason as JSON", e);
        }
    }
}
