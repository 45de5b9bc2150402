package routes;

import org.apache.camel.main.Main;
import routes.config.CortexConfiguration;
import routes.config.OpenResources;
import routes.config.RouteOverrides;

/** Starts Cortex Ingest: camel-main loads application.properties, {@link CortexConfiguration} and camel/*.camel.yaml. */
public final class CortexIngest {

    private CortexIngest() {
    }

    public static void main(String[] args) throws Exception {
        Main main = application();
        try {
            main.run(args);
        } catch (Exception e) {
            OpenResources.closeAfterFailedStart(main.getCamelContext());
            throw e;
        }
    }

    /**
     * The application, not yet started. The configuration class is registered by name: {@code new Main(SomeClass.class)}
     * would scan that class's package on the classpath, which in the 110 MB shaded jar took 8 of a 10-15 s start.
     */
    public static Main application() {
        Main main = new Main();
        main.configure().addConfiguration(CortexConfiguration.class);
        main.addMainListener(new RouteOverrides());
        return main;
    }
}
