package routes.messaging;

import java.util.List;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

/**
 * Sends a batch of persistent messages to one queue or topic in one JMS transaction: the broker syncs its journal
 * once for the batch (at the commit) instead of once per message, and the batch is sent entirely or not at all.
 * Each message carries Artemis's duplicate-detection id, so that a batch sent again (its sender died before it
 * could record the send) is dropped by the broker.
 */
public final class DurableBatch {

    /** A message of a batch: its text, the id the broker's duplicate detection knows it by, its JMS properties. */
    public interface Message {
        String text();

        String duplicateId();

        /** Properties subscribers select on: strings and numbers (JMS properties carry no other types). */
        default java.util.Map<String, Object> properties() {
            return java.util.Map.of();
        }
    }

    private static final String DUPLICATE_ID =
            org.apache.activemq.artemis.api.core.Message.HDR_DUPLICATE_DETECTION_ID.toString();

    private final ConnectionFactory factory;
    private final String destination;
    private final boolean topic;

    private DurableBatch(ConnectionFactory factory, String destination, boolean topic) {
        this.factory = factory;
        this.destination = destination;
        this.topic = topic;
    }

    public static DurableBatch toQueue(ConnectionFactory factory, String queue) {
        return new DurableBatch(factory, queue, false);
    }

    public static DurableBatch toTopic(ConnectionFactory factory, String topic) {
        return new DurableBatch(factory, topic, true);
    }

    public void send(List<? extends Message> batch) throws JMSException {
        if (batch.isEmpty()) {
            return;
        }
        try {
            sendTransacted(batch);
        } catch (JMSException e) {
            if (!duplicate(e)) {
                throw e;
            }
            // A transaction holding a message the broker has seen is rolled back whole. Only a batch sent again (after
            // its sender died) holds one, so the slow way is rare: each message alone, where a duplicate is dropped
            // and the others go.
            sendEach(batch);
        }
    }

    private void sendTransacted(List<? extends Message> batch) throws JMSException {
        // the pooled factory hands out a cached connection and session: no broker round trip to open them
        try (Connection connection = factory.createConnection();
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED)) {
            try (MessageProducer producer = producer(session)) {
                for (Message m : batch) {
                    producer.send(message(session, m));
                }
            }
            session.commit();
        }
    }

    private void sendEach(List<? extends Message> batch) throws JMSException {
        try (Connection connection = factory.createConnection();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer producer = producer(session)) {
            for (Message m : batch) {
                producer.send(message(session, m));
            }
        }
    }

    private MessageProducer producer(Session session) throws JMSException {
        MessageProducer producer = session.createProducer(topic ? session.createTopic(destination)
                : session.createQueue(destination));
        producer.setDeliveryMode(DeliveryMode.PERSISTENT);
        return producer;
    }

    private static TextMessage message(Session session, Message m) throws JMSException {
        TextMessage message = session.createTextMessage(m.text());
        message.setStringProperty(DUPLICATE_ID, m.duplicateId());
        for (var p : m.properties().entrySet()) {
            message.setObjectProperty(p.getKey(), p.getValue());
        }
        return message;
    }

    /** Whether the broker refused a message as a duplicate (a JMSException links Artemis's cause, or has it). */
    private static boolean duplicate(JMSException e) {
        Throwable t = e;
        for (int depth = 0; t != null && depth < 8; depth++) {
            if (t instanceof org.apache.activemq.artemis.api.core.ActiveMQDuplicateIdException) {
                return true;
            }
            t = t.getCause() != null ? t.getCause() : t instanceof JMSException j ? j.getLinkedException() : null;
        }
        return false;
    }
}
