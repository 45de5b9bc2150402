package routes;

import org.apache.camel.main.Main;
import org.slf4j.LoggerFactory;
import routes.config.CortexConfiguration;
import routes.config.OpenResources;
import routes.config.RouteOverrides;
import routes.config.ShutdownGrace;

/** Starts Cortex Ingest: camel-main loads application.properties, {@link CortexConfiguration} and camel/*.camel.yaml. */
public final class CortexIngest {

    private CortexIngest() {
    }

    public static void main(String[] args) {
        ShutdownGrace grace = new ShutdownGrace();
        Main main = application(grace);
        grace.armOnJvmShutdown();
        try {
            main.run(args);
        } catch (Exception e) {
            OpenResources.closeAfterFailedStart(main.getCamelContext());
            // Camel's hangup hook would log "JVM shutdown hook triggered by SIGTERM" on the way out: nobody sent
            // one, the start was refused. Telling the strategy it is over keeps the hook quiet.
            main.getShutdownStrategy().shutdown();
            LoggerFactory.getLogger(CortexIngest.class).error("Cortex Ingest did not start: {}", reason(e));
            System.exit(1);
        }
    }

    /**
     * The application, not yet started. The configuration class is registered by name: {@code new Main(SomeClass.class)}
     * would scan that class's package on the classpath, which in the 110 MB shaded jar took 8 of a 10-15 s start.
     */
    public static Main application() {
        return application(new ShutdownGrace());
    }

    private static Main application(ShutdownGrace grace) {
        Main main = new Main();
        main.bind("metricsRegistry", routes.metrics.ServiceMetrics.newRegistry());
        main.configure().addConfiguration(CortexConfiguration.class);
        main.addMainListener(new RouteOverrides());
        main.addMainListener(grace);
        return main;
    }

    /** The messages of an exception and its causes, each once: the setting's own message says what to do. */
    private static String reason(Throwable e) {
        StringBuilder out = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage();
            if (m != null && !out.toString().contains(m)) {
                out.append(out.length() == 0 ? "" : " | ").append(m);
            }
        }
        return out.toString();
    }
}
