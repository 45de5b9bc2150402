package routes.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CORTEX_ROUTES_DIR: a directory of {@code *.camel.yaml} files that replace built-in routes of the same id, or add
 * routes, without a rebuild. Every file is loaded at start-up, after the built-in routes and before anything runs.
 * What would otherwise surprise an operator stops the start or is said in the log: a file that does not load, a
 * route id in two files, a {@code {{setting}}} that does not exist or a bean that is not there (each with its file
 * and line) stop it; each file loaded and each built-in route replaced is an INFO line; a file that is not a route
 * file is a WARN (it is not loaded).
 */
public final class RouteOverrides extends MainListenerSupport {

    private static final Logger LOG = LoggerFactory.getLogger(RouteOverrides.class);
    private static final String SUFFIX = ".camel.yaml";
    /** {{key}} or {{key:default}}: a placeholder of a setting. */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([^{}:]+)(:[^{}]*)?}}");
    /** The beans a YAML route names: {@code ref: name}, {@code bean:name} in a URI, {@code ${bean:name...}}. */
    private static final Pattern BEAN = Pattern.compile("(?:^\\s*ref:\\s*[\"']?|\\bbean:)([A-Za-z_$][\\w$]*)");

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
        Map<String, Path> loaded = new LinkedHashMap<>();
        for (Path file : files(folder)) {
            List<RouteDefinition> routes = load(context, file);
            List<String> replaced = new ArrayList<>();
            List<String> added = new ArrayList<>();
            for (RouteDefinition route : routes) {
                String id = route.getRouteId();
                Path earlier = loaded.putIfAbsent(id, file);
                if (earlier != null) {
                    throw new IllegalStateException("Route file " + file + ": route " + id + " is also in " + earlier
                            + "; a route id may be given once (which of the two should run?)");
                }
                RouteDefinition builtIn = model.getRouteDefinition(id);
                try {
                    if (builtIn != null) {
                        model.removeRouteDefinition(builtIn);
                        replaced.add(id);
                    } else {
                        added.add(id);
                    }
                    model.addRouteDefinition(route);
                } catch (Exception e) {
                    throw new IllegalStateException("Route file " + file + ": route " + id + " cannot be added: "
                            + e.getMessage(), e);
                }
            }
            LOG.info("Route file {} loaded: replaces {}, adds {}", file, replaced.isEmpty() ? "no built-in route"
                    : String.join(", ", replaced), added.isEmpty() ? "no route" : String.join(", ", added));
            replaced.forEach(id -> LOG.info("Built-in route {} replaced by {}", id, file));
        }
    }

    /** The route files, by name; anything else in the directory is said once and left alone. */
    private static List<Path> files(Path folder) {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> list = Files.list(folder)) {
            for (Path f : list.sorted().toList()) {
                if (f.getFileName().toString().endsWith(SUFFIX) && Files.isRegularFile(f)) {
                    files.add(f);
                } else {
                    LOG.warn("{} in the routes directory (CORTEX_ROUTES_DIR) is not loaded: only *{} files are"
                            + " route files", f, SUFFIX);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    /** The routes of one file, each with an id; a file that does not parse names itself, the line and the reason. */
    private static List<RouteDefinition> load(CamelContext context, Path file) {
        List<RouteDefinition> routes = new ArrayList<>();
        String text;
        try {
            text = Files.readString(file);
            Resource resource = ResourceHelper.fromString(file.toString(), text);
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
        checkReferences(context, file, text, routes);
        return routes;
    }

    /**
     * What would otherwise fail only when the routes are built, naming the route but not the file: a setting in
     * {@code {{...}}} without a default that does not exist, and a bean that is not in the registry (in a route that
     * runs here: a route whose precondition is false needs nothing).
     */
    private static void checkReferences(CamelContext context, Path file, String text, List<RouteDefinition> routes) {
        String[] lines = text.split("\n", -1);
        int route = -1;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.matches("\\s*- route:\\s*")) {
                route++;
            }
            if (line.strip().startsWith("#")) {
                continue;
            }
            Matcher placeholder = PLACEHOLDER.matcher(line);
            while (placeholder.find()) {
                String key = placeholder.group(1).trim();
                if (placeholder.group(2) == null && context.getPropertiesComponent().resolveProperty(key).isEmpty()) {
                    throw new IllegalStateException("Route file " + file + " line " + (i + 1) + ": {{" + key
                            + "}} is not a setting (application.properties lists them; a CORTEX_* variable overrides"
                            + " one, it does not add one)");
                }
            }
            Matcher bean = BEAN.matcher(line);
            while (bean.find()) {
                String name = bean.group(1);
                boolean runs = route < 0 || route >= routes.size() || runsHere(context, routes.get(route));
                if (runs && context.getRegistry().lookupByName(name) == null) {
                    throw new IllegalStateException("Route file " + file + " line " + (i + 1) + ": there is no bean"
                            + " named '" + name + "' (the built-in routes' files show the beans this service has)");
                }
            }
        }
    }

    /** Whether a route is built here: no precondition, or one that holds with these settings. */
    private static boolean runsHere(CamelContext context, RouteDefinition route) {
        String precondition = route.getPrecondition();
        if (precondition == null || precondition.isBlank()) {
            return true;
        }
        try {
            String resolved = context.resolvePropertyPlaceholders(precondition);
            return context.resolveLanguage("simple").createPredicate(resolved).matches(new DefaultExchange(context));
        } catch (RuntimeException e) {
            return true; // checked as if it ran: the start reports the precondition's own problem
        }
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
