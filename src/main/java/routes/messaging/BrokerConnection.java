package routes.messaging;

import jakarta.jms.ConnectionFactory;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.support.service.ServiceSupport;
import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;

/** The pooled JMS connection factory every JMS endpoint of the service uses. */
public final class BrokerConnection extends ServiceSupport {

    private final JmsPoolConnectionFactory pool = new JmsPoolConnectionFactory();

    public BrokerConnection(String url, String user, String password, int maxConnections) {
        ActiveMQConnectionFactory artemis = new ActiveMQConnectionFactory(url, user, password);
        // Fail a send fast while the broker is away (the job stays queued and recovery hands it over later)
        // instead of holding an HTTP request; the pool replaces broken connections, consumers reconnect by themselves.
        artemis.setReconnectAttempts(0);
        artemis.setCallTimeout(5000);
        pool.setConnectionFactory(artemis);
        pool.setMaxConnections(maxConnections);
    }

    /** Opens and closes a connection: throws when the broker cannot be reached (readiness). */
    public void check() throws jakarta.jms.JMSException {
        try (jakarta.jms.Connection connection = connectionFactory().createConnection()) {
            connection.getMetaData();
        }
    }

    public ConnectionFactory connectionFactory() {
        return pool;
    }

    @Override
    protected void doStart() {
        pool.start();
    }

    @Override
    protected void doStop() {
        pool.stop();
    }
}
