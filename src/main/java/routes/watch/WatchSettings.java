package routes.watch;

import java.time.Duration;
import java.util.List;

/**
 * What the watch watches and what it does with an object once read: the bucket, the prefixes (each
 * {@code <prefix><project_id>/<any path>}), the settle window, the most objects taken per round, the after-read mode,
 * where processed and rejected objects go, and how long a claim holds before another instance may take it over.
 */
public record WatchSettings(String bucket, List<String> prefixes, Duration minAge, int maxObjectsPerRound,
        AfterRead afterRead, String processedPrefix, String rejectedPrefix, Duration lease) {

    /** What happens to an object whose job was created. */
    public enum AfterRead {
        /** Moved to {@code processed/<its key>} (copied, verified, then deleted). */
        MOVE,
        /** Deleted. */
        DELETE,
        /** Left in place: the bucket is the source of truth; a new ETag is a new job, a removed object retires its job. */
        MIRROR
    }
}
