package routes.health;

import java.util.concurrent.TimeUnit;

import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the background routes (timers: relay, recovery, leases, purges, watch) say while the database is down: the
 * outage once, a reminder at most once a minute, and once when it is reachable again. Without it every tick of a
 * 100 ms timer logged a stack trace, which buries everything else an operator needs to read during an outage.
 */
public final class OutageLog {

    private static final Logger LOG = LoggerFactory.getLogger(OutageLog.class);
    private static final long REMINDER_NANOS = TimeUnit.MINUTES.toNanos(1);

    private boolean down;
    private long lastLog;
    private int failures;

    /** A background step could not reach the database; the route goes on at its next tick. */
    public synchronized void failed(@ExchangeProperty("CamelExceptionCaught") Exception error,
            @ExchangeProperty("CamelFailureRouteId") String routeId) {
        long now = System.nanoTime();
        failures++;
        if (!down) {
            down = true;
            lastLog = now;
            LOG.error("The database is unreachable ({} failed: {}); background work waits for it, logged again at"
                    + " most once a minute until it recovers", routeId, message(error));
        } else if (now - lastLog >= REMINDER_NANOS) {
            lastLog = now;
            LOG.warn("The database is still unreachable: {} background steps failed since the outage began; last: {}",
                    failures, message(error));
        }
    }

    /** A background step reached the database: an outage, if there was one, is over. */
    public synchronized void succeeded() {
        if (down) {
            down = false;
            LOG.info("The database is reachable again after {} failed background steps", failures);
            failures = 0;
        }
    }

    private static String message(Exception error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
