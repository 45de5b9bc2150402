package routes.messaging;

import java.util.concurrent.TimeUnit;

/**
 * A warning for sends that fail while the broker is away, at most once a minute: a relay ticking every few
 * milliseconds would otherwise log on every tick. Each relay keeps its own.
 */
public final class SendFailureLog {

    private static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final org.slf4j.Logger log;
    private long lastLog = System.nanoTime() - 2 * INTERVAL_NANOS;

    public SendFailureLog(org.slf4j.Logger log) {
        this.log = log;
    }

    /** Logs {@code message} (SLF4J placeholders) unless this log spoke less than a minute ago. */
    public synchronized void warn(String message, Object... args) {
        long now = System.nanoTime();
        if (now - lastLog > INTERVAL_NANOS) {
            lastLog = now;
            log.warn(message, args);
        }
    }
}
