package routes.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import routes.CortexIngest;
import routes.config.OpenResources;

/**
 * The application as it runs in production: its own Main, application.properties and YAML routes, on a free port,
 * with test overrides for the database, the data directories and limits. Plus a small HTTP client for it.
 */
public final class TestApp extends ApiClient implements AutoCloseable {

    private final Main main;
    private final Path dataDir;

    private TestApp(Main main, int port, Path dataDir) {
        super(port);
        this.main = main;
        this.dataDir = dataDir;
    }

    public static TestApp start(String databaseUrl, Path dataDir, Map<String, String> overrides) {
        int port = freePort();
        Map<String, String> props = new HashMap<>();
        props.put("cortex.http.port", String.valueOf(port));
        props.put("cortex.database.url", databaseUrl);
        props.put("cortex.storage.local-dir", dataDir.resolve("storage").toString());
        props.put("cortex.storage.temp-dir", dataDir.resolve("tmp").toString());
        props.put("cortex.broker.data-dir", dataDir.resolve("artemis").toString());
        props.put("cortex.broker.port", String.valueOf(freePortOtherThan(port)));
        props.putAll(overrides);
        Main main = CortexIngest.application();
        props.forEach(main::addOverrideProperty);
        try {
            main.start();
        } catch (Exception e) {
            try {
                main.stop();
            } catch (Exception stopError) {
                e.addSuppressed(stopError);
            }
            OpenResources.closeAfterFailedStart(main.getCamelContext());
            throw new IllegalStateException("the application did not start: " + e.getMessage(), e);
        }
        return new TestApp(main, port, dataDir);
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public <T> T bean(String name, Class<T> type) {
        return context().getRegistry().lookupByNameAndType(name, type);
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Files under a data directory (storage objects, temporary uploads): what a failed request must not leave. */
    public long filesUnder(String dir) {
        Path root = dataDir.resolve(dir);
        if (!Files.exists(root)) {
            return 0;
        }
        try (var files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        main.stop();
    }

    /**
     * Database pools alive in this JVM (one housekeeper thread each): a start-up that failed must leave none behind,
     * or the pool keeps opening connections to a database file the test is deleting.
     */
    public static long openDatabasePools() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("cortex-db") && t.getName().endsWith("housekeeper"))
                .count();
    }

    /** A free port that is not {@code taken} (two ports asked for one after the other may be the same). */
    public static int freePortOtherThan(int taken) {
        int port = freePort();
        while (port == taken) {
            port = freePort();
        }
        return port;
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
