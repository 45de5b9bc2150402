package routes.health;

import java.util.concurrent.TimeUnit;

import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the log says while a dependency (the database, the broker) is away: one ERROR when its probe first fails, a
 * reminder at most once a minute, one INFO when the probe answers again. Only the probe decides whether the
 * dependency is up or down; the background steps (relays, recovery, leases, purges, sweep, watch) that fail on it
 * are counted, not logged one by one: a 100 ms timer would otherwise write a line, or a stack trace, per tick, and
 * a step that happens to succeed in the middle of an outage (a read while writes fail) would declare it over. Steps
 * that keep failing while the probe answers are said once a minute at most.
 */
public final class OutageLog {

    private static final Logger LOG = LoggerFactory.getLogger(OutageLog.class);
    private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);

    private final String dependency;
    private final String waiting;
    private boolean down;
    private long lastLog = System.nanoTime() - 2 * MINUTE;
    private int failedSteps;
    private String lastStepError;
    private String lastStep;

    /**
     * @param dependency what is away, as the log names it ("the database")
     * @param waiting what waits for it meanwhile, for the ERROR line
     */
    public OutageLog(String dependency, String waiting) {
        this.dependency = dependency;
        this.waiting = waiting;
    }

    /** A background step failed on the dependency (route configuration background-outages, relays): counted. */
    public synchronized void failed(@ExchangeProperty("CamelExceptionCaught") Exception error,
            @ExchangeProperty("CamelFailureRouteId") String step) {
        failedSteps++;
        lastStepError = message(error);
        lastStep = step;
    }

    /** The probe's answer, in the background every period: the one judge of up and down. */
    public synchronized void probed(boolean up, String error) {
        long now = System.nanoTime();
        if (!up && !down) {
            down = true;
            lastLog = now;
            LOG.error("{}; {} until it is back; logged again at most once a minute", what(error), waiting);
        } else if (!up && now - lastLog >= MINUTE) {
            lastLog = now;
            LOG.warn("Still: {}; {} background steps failed since the outage began", what(error), failedSteps);
        } else if (up && down) {
            down = false;
            lastLog = now;
            LOG.info("{} is reachable again; {} background steps failed during the outage", capitalized(dependency),
                    failedSteps);
            failedSteps = 0;
        } else if (up && failedSteps > 0 && now - lastLog >= MINUTE) {
            lastLog = now;
            LOG.warn("{} background step(s) failed on {} although it answers its probe; last: {} ({})", failedSteps,
                    dependency, lastStepError, lastStep);
            failedSteps = 0;
        } else if (up && now - lastLog >= MINUTE) {
            failedSteps = 0;
        }
    }

    public synchronized boolean down() {
        return down;
    }

    /** What is wrong: the probe's words where they name the dependency, else that it is unreachable and why. */
    private String what(String error) {
        return error != null && error.startsWith(dependency) ? capitalized(error)
                : capitalized(dependency) + " is unreachable (" + error + ")";
    }

    private static String capitalized(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** The deepest message of an error: what the driver or client said, without the layers above it. */
    public static String message(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
