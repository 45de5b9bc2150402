package routes.health;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * One thing the service depends on (the database, the broker, storage) in /observe/health: up or down as its
 * background probe last answered ({@link Probes}), so the check answers at once. A readiness check where this
 * instance's role needs the dependency to do its work now (an api instance takes jobs while the broker is away: its
 * outbox exists to ride that out), shown but not counted for readiness where it does not. Never a liveness check:
 * a dependency's outage is no reason to restart the process, which recovers by itself when it is back.
 */
public final class DependencyCheck extends AbstractHealthCheck {

    private final Probes probes;
    private final String name;
    private final boolean readiness;

    public DependencyCheck(String name, Probes probes, boolean readiness) {
        super("cortex", name);
        this.name = name;
        this.probes = probes;
        this.readiness = readiness;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    public boolean isReadiness() {
        return readiness;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Probes.Answer answer = probes.answer(name);
        builder.detail("probed_at", answer.at().toString());
        if (answer.up()) {
            builder.up();
        } else {
            builder.message(answer.message()).down();
        }
    }
}
