package routes;

import org.apache.camel.main.Main;

/** Starts Cortex Ingest: camel-main loads application.properties, the beans of {@code routes.config} and camel/*.camel.yaml. */
public final class CortexIngest {

    private CortexIngest() {
    }

    public static void main(String[] args) throws Exception {
        Main main = new Main(CortexIngest.class);
        main.run(args);
    }
}
