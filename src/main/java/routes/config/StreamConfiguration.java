package routes.config;

import java.time.Duration;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import routes.health.OutageLog;
import routes.job.JobEvents;
import routes.job.JobStore;
import routes.metrics.ServiceMetrics;
import routes.stream.EventRelay;
import routes.stream.StreamEndpoints;
import routes.stream.StreamHub;

/**
 * Job events: the relay of the outbox (any instance may hold its lease), the hub of this instance's stream
 * clients, and, where the API is served, the stream endpoints on its router.
 */
final class StreamConfiguration {

    private StreamConfiguration() {
    }

    static StreamHub bind(CamelContext context, Settings settings, JobEvents events, JobStore jobs,
            ObjectMapper json, boolean api, ServiceMetrics metrics) throws Exception {
        StreamHub hub = new StreamHub(events, settings.positiveInt("cortex.stream.max-held-events"));
        context.getRegistry().bind("streamHub", hub);
        context.getRegistry().bind("eventRelay", new EventRelay(events, java.util.UUID.randomUUID().toString(),
                Duration.ofSeconds(settings.positiveInt("cortex.events.relay-lease-seconds")),
                settings.positiveInt("cortex.events.relay-batch"), hub::relayedHere, metrics::relayed,
                context.getRegistry().lookupByNameAndType("brokerOutage", OutageLog.class)));
        if (api) {
            long ping = settings.positiveInt("cortex.stream.ping-ms");
            StreamEndpoints endpoints = new StreamEndpoints(hub, events, jobs, json, new StreamEndpoints.Limits(
                    settings.positiveInt("cortex.stream.client-buffer-kb") * 1024,
                    settings.positiveInt("cortex.stream.max-held-events"), ping,
                    settings.positiveInt("cortex.stream.pong-timeout-ms"),
                    settings.positiveInt("cortex.stream.snapshot-limit")),
                    settings.positiveInt("cortex.http.port"), settings.list("cortex.http.cors-origins"));
            context.addStartupListener(endpoints);
            OpenResources.closeWithContext(context, endpoints::stop);
        }
        return hub;
    }
}
