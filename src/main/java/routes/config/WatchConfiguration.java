package routes.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;
import routes.db.Database;
import routes.job.JobIntake;
import routes.job.JobStore;
import routes.metrics.ServiceMetrics;
import routes.project.ProjectStore;
import routes.watch.S3Watch;
import routes.watch.WatchAfterRead;
import routes.watch.WatchBucket;
import routes.watch.WatchHealthCheck;
import routes.watch.WatchIntake;
import routes.watch.WatchLedger;
import routes.watch.WatchMirror;
import routes.watch.WatchSettings;
import routes.watch.WatchStatus;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The watched S3 prefixes (s3-watch.camel.yaml), when CORTEX_WATCH_ENABLED is true: settings checked (prefixes
 * that end in '/', that neither contain nor lie within the processed, rejected or upload prefixes), the beans the
 * routes call, and the watch's health check.
 */
final class WatchConfiguration {

    private WatchConfiguration() {
    }

    static void bind(CamelContext context, Settings settings, Database db, JobStore jobs, JobIntake intake,
            ProjectStore projects, ObjectMapper json, long maxBytes, Path tempDir, ServiceMetrics metrics) throws Exception {
        if (!Boolean.parseBoolean(settings.string("cortex.watch.enabled"))) {
            return;
        }
        WatchSettings watch = settings(settings);
        S3Client client = S3Clients.fromStorageSettings(settings);
        OpenResources.closeWithContext(context, client::close);
        WatchBucket bucket = new WatchBucket(client, watch.bucket());
        WatchLedger ledger = new WatchLedger(db);
        WatchMirror mirror = new WatchMirror(db, jobs, ledger);
        WatchStatus status = new WatchStatus();
        // The owner of this instance's claims: unique per start, so a restarted instance never mistakes its dead
        // predecessor's claims for its own.
        String owner = "watch-" + UUID.randomUUID();
        Registry registry = context.getRegistry();
        registry.bind("s3Watch", new S3Watch(watch, bucket, ledger, mirror, status, owner, json));
        registry.bind("watchIntake", new WatchIntake(watch, bucket, ledger, mirror, intake, projects, maxBytes,
                tempDir, owner));
        registry.bind("watchAfterRead", new WatchAfterRead(watch, bucket, ledger, json, owner));
        registry.bind("watchStatus", status);
        status.counters().forEach((name, value) -> metrics.counter("cortex.watch.objects", "outcome", name,
                "Objects of the watched prefixes, by what became of them", status, s -> value.get().doubleValue()));
        // The health check registry takes the health checks bound in the registry when it starts.
        registry.bind("s3WatchHealthCheck", new WatchHealthCheck(status));
    }

    private static WatchSettings settings(Settings settings) {
        String bucket = settings.optional("cortex.watch.bucket").orElse(settings.string("cortex.storage.bucket"));
        String mode = settings.oneOf("cortex.watch.after-read", "move", "delete", "mirror");
        return new WatchSettings(bucket, prefixes(settings),
                Duration.ofSeconds(settings.nonNegativeInt("cortex.watch.min-age-seconds")),
                settings.positiveInt("cortex.watch.max-objects-per-poll"),
                WatchSettings.AfterRead.valueOf(mode.toUpperCase(Locale.ROOT)),
                folder(settings, "cortex.watch.processed-prefix"), folder(settings, "cortex.watch.rejected-prefix"),
                Duration.ofSeconds(settings.positiveInt("cortex.watch.lease-seconds")));
    }

    /**
     * The watched prefixes: each ends in '/' (a prefix without it would also match siblings: inbox2/ for inbox),
     * none lies within another (its objects would be listed twice, the inner prefix's first segment taken for a
     * project id), and all lie apart from the processed, rejected and upload prefixes (what the service moves or
     * stores there must not be watched again).
     */
    static List<String> prefixes(Settings settings) {
        String processed = folder(settings, "cortex.watch.processed-prefix");
        String rejected = folder(settings, "cortex.watch.rejected-prefix");
        String uploads = settings.optional("cortex.storage.prefix").orElse("").replaceAll("^/+|/+$", "") + "/";
        List<String> prefixes = settings.list("cortex.watch.prefixes");
        if (prefixes.isEmpty()) {
            throw Settings.invalid("cortex.watch.prefixes", "", "one or more prefixes such as inbox/");
        }
        for (int i = 0; i < prefixes.size(); i++) {
            for (int j = i + 1; j < prefixes.size(); j++) {
                String a = prefixes.get(i);
                String b = prefixes.get(j);
                if (a.startsWith(b) || b.startsWith(a)) {
                    throw Settings.invalid("cortex.watch.prefixes", String.join(",", prefixes), "prefixes that do not"
                            + " lie within each other (" + a + " and " + b + ")");
                }
            }
        }
        for (String prefix : prefixes) {
            if (!prefix.endsWith("/") || prefix.startsWith("/")) {
                throw Settings.invalid("cortex.watch.prefixes", prefix, "prefixes that end with '/' and do not start"
                        + " with it (inbox/, not inbox: that would also match inbox2/)");
            }
            for (String other : List.of(processed, rejected, uploads)) {
                if (prefix.startsWith(other) || other.startsWith(prefix)) {
                    throw Settings.invalid("cortex.watch.prefixes", prefix, "a prefix apart from " + other
                            + " (processed, rejected and uploaded objects must not be watched again)");
                }
            }
        }
        return prefixes;
    }

    static String folder(Settings settings, String key) {
        String value = settings.string(key);
        if (!value.endsWith("/") || value.startsWith("/")) {
            throw Settings.invalid(key, value, "a prefix that ends with '/' and does not start with it");
        }
        return value;
    }
}
