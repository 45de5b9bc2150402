package routes.config;

import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.support.service.ServiceHelper;
import routes.health.DependencyCheck;
import routes.health.OutageLog;
import routes.health.Probes;
import routes.messaging.BrokerConnection;
import routes.messaging.DurableBatch;
import routes.messaging.EmbeddedBroker;

/** Messaging: the broker (embedded, or the one CORTEX_BROKER_URL names), its pooled connection and readiness. */
final class MessagingConfiguration {

    private MessagingConfiguration() {
    }

    /**
     * The broker: embedded (journal under the data directory, TCP acceptor for other instances) unless
     * CORTEX_BROKER_URL names an external one. The "jms" component sends and consumes over a pooled factory.
     */
    static void bind(CamelContext context, Settings settings, Probes probes, OutageLog brokerOutage,
            boolean consumes) throws Exception {
        String brokerUrl = settings.optional("cortex.broker.url").orElse(null);
        String user = settings.optional("cortex.broker.user").orElse(null);
        String password = settings.optional("cortex.broker.password").orElse(null);
        if (brokerUrl == null) {
            // broker.xml reads these: its journal, its acceptor, and the job queues' names and redelivery.
            EmbeddedBroker broker = new EmbeddedBroker(settings.string("cortex.broker.config"), Map.of(
                    "cortex.broker.data-dir", settings.path("cortex.broker.data-dir").toString(),
                    "cortex.broker.host", settings.string("cortex.broker.host"),
                    "cortex.broker.port", String.valueOf(settings.positiveInt("cortex.broker.port")),
                    "cortex.jobs.queue", settings.string("cortex.jobs.queue"),
                    "cortex.jobs.dead-letter-queue", settings.string("cortex.jobs.dead-letter-queue"),
                    "cortex.broker.max-delivery-attempts",
                    String.valueOf(settings.positiveInt("cortex.broker.max-delivery-attempts")),
                    "cortex.broker.redelivery-delay-ms",
                    String.valueOf(settings.nonNegativeInt("cortex.broker.redelivery-delay-ms")),
                    "cortex.broker.max-redelivery-delay-ms",
                    String.valueOf(settings.nonNegativeInt("cortex.broker.max-redelivery-delay-ms"))), user, password);
            if (Boolean.parseBoolean(settings.oneOf("cortex.broker.audit-log", "true", "false"))) {
                // Artemis' audit loggers are quiet by default (log4j2.properties); an operator may want them.
                org.apache.logging.log4j.core.config.Configurator.setLevel("org.apache.activemq.audit",
                        org.apache.logging.log4j.Level.INFO);
            }
            context.addService(broker, true, true);
            OpenResources.closeWithContext(context, () -> ServiceHelper.stopService(broker));
            context.getRegistry().bind("embeddedBroker", broker);
            brokerUrl = broker.clientUrl();
        }
        BrokerConnection connection = new BrokerConnection(brokerUrl, user, password,
                settings.positiveInt("cortex.broker.max-connections"));
        context.addService(connection, true, true);
        OpenResources.closeWithContext(context, () -> ServiceHelper.stopService(connection));
        probes.watch("broker", connection::check, brokerOutage);
        // an api instance goes on taking jobs while the broker is away (the outbox rides it out): not its readiness
        context.getRegistry().bind("brokerReadiness", new DependencyCheck("broker", probes, consumes));
        context.addComponent("jms", JmsComponent.jmsComponent(connection.connectionFactory()));
        context.getRegistry().bind("jobQueueBatch", DurableBatch.toQueue(connection.connectionFactory(),
                settings.string("cortex.jobs.queue")));
        context.getRegistry().bind("auditTopicBatch", DurableBatch.toTopic(connection.connectionFactory(),
                settings.string("cortex.events.audit-topic")));
    }
}
