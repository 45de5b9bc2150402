package routes.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

/**
 * CORTEX_ROUTES_DIR: a directory of {@code *.camel.yaml} files that replace built-in routes of the same id, or add
 * routes, without a rebuild. Every file is loaded at start-up, after the built-in routes and before anything runs;
 * a file that does not load stops the start with its name, the line and the reason.
 */
public final class RouteOverrides extends MainListenerSupport {

    @Override
    public void afterConfigure(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        String dir = context.getPropertiesComponent().resolveProperty("cortex.routes.dir").map(String::trim)
                .filter(v -> !v.isEmpty()).orElse(null);
        if (dir == null) {
            return;
        }
        Path folder = Path.of(dir).toAbsolutePath().normalize();
        if (!Files.isDirectory(folder)) {
            throw Settings.invalid("cortex.routes.dir", dir, "a directory of *.camel.yaml files");
        }
        Model model = context.getCamelContextExtension().getContextPlugin(Model.class);
        for (Path file : files(folder)) {
            List<RouteDefinition> routes = load(context, file);
            for (RouteDefinition route : routes) {
                RouteDefinition builtIn = model.getRouteDefinition(route.getRouteId());
                try {
                    if (builtIn != null) {
                        model.removeRouteDefinition(builtIn);
                    }
                    model.addRouteDefinition(route);
                } catch (Exception e) {
                    throw new IllegalStateException("Route file " + file + ": route " + route.getRouteId()
                            + " cannot be added: " + e.getMessage(), e);
                }
            }
        }
    }

    private static List<Path> files(Path folder) {
        try (Stream<Path> list = Files.list(folder)) {
            return list.filter(f -> f.getFileName().toString().endsWith(".camel.yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The routes of one file, each with an id; a file that does not parse names itself, the line and the reason. */
    private static List<RouteDefinition> load(CamelContext context, Path file) {
        List<RouteDefinition> routes = new ArrayList<>();
        try {
            Resource resource = ResourceHelper.fromString(file.toString(), Files.readString(file));
            for (RoutesBuilder builder : PluginHelper.getRoutesLoader(context).findRoutesBuilders(resource)) {
                if (builder instanceof RouteBuilder rb) {
                    rb.setCamelContext(context);
                    rb.configure();
                    routes.addAll(rb.getRouteCollection().getRoutes());
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("Route file " + file + " does not load: " + reason(e), e);
        }
        for (RouteDefinition route : routes) {
            if (route.getRouteId() == null) {
                throw new IllegalStateException("Route file " + file + ": every route needs an id (the id of the"
                        + " built-in route it replaces, or a new one)");
            }
        }
        return routes;
    }

    /** The innermost message: the YAML parser's says which line and column. */
    private static String reason(Throwable e) {
        Throwable cause = e;
        StringBuilder out = new StringBuilder();
        while (cause != null) {
            if (cause.getMessage() != null && !out.toString().contains(cause.getMessage())) {
                out.append(out.length() == 0 ? "" : " | ").append(cause.getMessage());
            }
            cause = cause.getCause() == cause ? null : cause.getCause();
        }
        return out.toString();
    }
}
