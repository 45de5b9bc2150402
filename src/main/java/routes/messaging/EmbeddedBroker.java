package routes.messaging;

import java.util.HashMap;
import java.util.Map;

import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.camel.support.service.ServiceSupport;

/**
 * The in-process Artemis broker of the embedded default, configured by the same broker.xml an external broker runs
 * with. Its journal lives under the data directory, so a job message accepted before a restart is still there.
 */
public final class EmbeddedBroker extends ServiceSupport {

    private final String configResource;
    private final Map<String, String> configValues;
    private final ServiceUserSecurity security;
    private EmbeddedActiveMQ server;

    /**
     * @param configValues what broker.xml reads as {@code ${...}} system properties: the journal directory, the
     *                     acceptor, and the job queues' names and redelivery, from the service's settings
     */
    public EmbeddedBroker(String configResource, Map<String, String> configValues) {
        this(configResource, configValues, null, null);
    }

    /**
     * @param user with {@code password}, the one user allowed to connect (security on); both null: security off,
     *             which start-up allows only while the broker listens on loopback
     */
    public EmbeddedBroker(String configResource, Map<String, String> configValues, String user, String password) {
        this.configResource = configResource;
        Map<String, String> values = new HashMap<>(configValues);
        values.put("cortex.broker.security-enabled", String.valueOf(user != null));
        this.configValues = Map.copyOf(values);
        this.security = user == null ? null : new ServiceUserSecurity(user, password);
    }

    /** Clients in this JVM connect in-VM; other instances through the TCP acceptor. */
    public String clientUrl() {
        return "vm://0";
    }

    @Override
    protected void doStart() throws Exception {
        // broker.xml takes these as ${...} system properties, so a standalone broker can be given the same file. They
        // are set only while the configuration is read: Camel's properties also see system properties, and a left-over
        // value would win over the settings of the next application in this JVM (tests start several).
        Map<String, String> previous = new HashMap<>();
        configValues.forEach((key, value) -> previous.put(key, System.setProperty(key, value)));
        try {
            server = new EmbeddedActiveMQ();
            server.setConfigResourcePath(configResource);
            if (security != null) {
                server.setSecurityManager(security);
            }
            server.start();
        } finally {
            previous.forEach((key, value) -> {
                if (value == null) {
                    System.clearProperty(key);
                } else {
                    System.setProperty(key, value);
                }
            });
        }
    }

    /** Messages waiting on a queue of this broker (a gauge of the metrics); 0 for a queue it does not have. */
    public long messageCount(String queue) {
        EmbeddedActiveMQ current = server;
        if (current == null || current.getActiveMQServer() == null) {
            return 0;
        }
        var q = current.getActiveMQServer().locateQueue(org.apache.activemq.artemis.api.core.SimpleString.of(queue));
        return q == null ? 0 : q.getMessageCount();
    }

    @Override
    protected void doStop() throws Exception {
        if (server != null) {
            server.stop();
            server = null;
        }
    }
}
