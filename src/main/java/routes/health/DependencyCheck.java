package routes.health;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness of one thing the service depends on (the database, the broker, storage), in /observe/health: up while
 * its probe answers, down with the probe's error while it does not. Not a liveness check: a database outage is no
 * reason to restart the process, which recovers by itself when the database is back.
 */
public final class DependencyCheck extends AbstractHealthCheck {

    /** Asks the dependency something cheap; throws when it cannot answer. */
    @FunctionalInterface
    public interface Probe {
        void probe() throws Exception;
    }

    private final Probe probe;

    public DependencyCheck(String name, Probe probe) {
        super("cortex", name);
        this.probe = probe;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        try {
            probe.probe();
            builder.up();
        } catch (Exception e) {
            builder.message(getId() + " is unreachable: " + e.getMessage()).down();
        }
    }
}
