package routes.reliability;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * A durable subscriber of the audit topic, as an integration team runs one: it reconnects by itself across broker
 * restarts, and the broker keeps what is published while it is away. It records every event's {@code project:seq}.
 */
final class AuditSubscriber implements AutoCloseable {

    private final Connection connection;
    private final Set<String> received = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicLong duplicates = new java.util.concurrent.atomic.AtomicLong();

    AuditSubscriber(int brokerPort, String topic) throws JMSException {
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + brokerPort
                + "?reconnectAttempts=-1&retryInterval=200&initialConnectAttempts=50");
        connection = factory.createConnection();
        connection.setClientID("fault-suite-audit");
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        var consumer = session.createDurableSubscriber(session.createTopic(topic), "fault-suite");
        consumer.setMessageListener(message -> {
            try {
                String id = message.getStringProperty("_AMQ_DUPL_ID");
                if (id != null && !received.add(id)) {
                    duplicates.incrementAndGet();
                }
            } catch (JMSException e) {
                throw new IllegalStateException(e);
            }
        });
        connection.start();
    }

    /** Every {@code project_id:seq} received. */
    Set<String> received() {
        return Set.copyOf(received);
    }

    long duplicates() {
        return duplicates.get();
    }

    @Override
    public void close() throws JMSException {
        connection.close();
    }
}
