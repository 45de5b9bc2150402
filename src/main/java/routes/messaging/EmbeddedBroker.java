package routes.messaging;

import java.nio.file.Path;

import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.camel.support.service.ServiceSupport;

/**
 * The in-process Artemis broker of the embedded default, configured by the same broker.xml an external broker runs
 * with. Its journal lives under the data directory, so a job message accepted before a restart is still there.
 */
public final class EmbeddedBroker extends ServiceSupport {

    private final String configResource;
    private final Path dataDir;
    private final String host;
    private final int port;
    private EmbeddedActiveMQ server;

    public EmbeddedBroker(String configResource, Path dataDir, String host, int port) {
        this.configResource = configResource;
        this.dataDir = dataDir;
        this.host = host;
        this.port = port;
    }

    /** Clients in this JVM connect in-VM; other instances through the TCP acceptor. */
    public String clientUrl() {
        return "vm://0";
    }

    @Override
    protected void doStart() throws Exception {
        // broker.xml takes these as ${...} system properties, so a standalone broker can be given the same file.
        System.setProperty("cortex.broker.data-dir", dataDir.toString());
        System.setProperty("cortex.broker.host", host);
        System.setProperty("cortex.broker.port", String.valueOf(port));
        server = new EmbeddedActiveMQ();
        server.setConfigResourcePath(configResource);
        server.start();
    }

    @Override
    protected void doStop() throws Exception {
        if (server != null) {
            server.stop();
            server = null;
        }
    }
}
