package routes.watch;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/** The watch in /observe/health: down while its listings fail (an S3 outage), with its last listing and counters. */
public final class WatchHealthCheck extends AbstractHealthCheck {

    private final WatchStatus status;

    public WatchHealthCheck(WatchStatus status) {
        super("cortex", "s3-watch");
        this.status = status;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Map<String, Object> details = status.details();
        builder.details(details);
        // The health endpoint shows a check's message, not its details: the message carries them.
        String summary = details.toString();
        if (status.healthy()) {
            builder.message(summary).up();
        } else {
            builder.message("Listing the watched prefixes fails: " + status.lastError() + " " + summary).down();
        }
    }
}
