package routes.messaging;

import jakarta.jms.ConnectionFactory;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.support.service.ServiceSupport;
import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;

/** The pooled JMS connection factory every JMS endpoint of the service uses. */
public final class BrokerConnection extends ServiceSupport {

    private final JmsPoolConnectionFactory pool = new JmsPoolConnectionFactory();
    /** The probe's own factory: the pool's knows connections that died and may wait on them. */
    private final ActiveMQConnectionFactory probe;

    public BrokerConnection(String url, String user, String password, int maxConnections) {
        ActiveMQConnectionFactory artemis = new ActiveMQConnectionFactory(url, user, password);
        probe = new ActiveMQConnectionFactory(url, user, password);
        probe.setReconnectAttempts(0);
        probe.setCallTimeout(2000);
        // Fail a send fast while the broker is away (the job stays queued and recovery hands it over later)
        // instead of holding an HTTP request; the pool replaces broken connections, consumers reconnect by themselves.
        artemis.setReconnectAttempts(0);
        artemis.setCallTimeout(5000);
        pool.setConnectionFactory(artemis);
        pool.setMaxConnections(maxConnections);
    }

    /**
     * Whether {@code url} is an Artemis connection URL this service can use: it parses, and every connector names a
     * host and a port ({@code tcp://broker:61616}, {@code (tcp://a:61616,tcp://b:61616)?ha=true}) or is in-VM.
     */
    public static boolean validUrl(String url) {
        try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(url)) {
            var connectors = factory.getStaticConnectors();
            if (connectors == null || connectors.length == 0) {
                return false;
            }
            for (var connector : connectors) {
                java.util.Map<String, Object> params = connector.getParams();
                boolean inVm = connector.getFactoryClassName().contains("InVM");
                if (!inVm && (params.get("host") == null || Integer.parseInt(String.valueOf(params.get("port"))) <= 0)) {
                    return false;
                }
            }
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Opens and closes a connection of its own, past the pool: a pooled connection whose broker died can still answer
     * from the client's side. Throws when the broker cannot be reached (readiness).
     */
    public void check() throws jakarta.jms.JMSException {
        try (jakarta.jms.Connection connection = probe.createConnection()) {
            connection.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE).close();
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
        probe.close();
    }
}
