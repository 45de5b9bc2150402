package routes.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

/**
 * Files from the jar, served by Vert.x routes on the API's router: the dashboard at {@code /} (web/: no build step
 * and nothing from elsewhere, the page works offline) and the OpenAPI document at {@code /api/openapi.json}.
 */
public final class StaticContent implements StartupListener {

    /** The dashboard's script modules (web/*.js), each served at /ui/{name}.js. */
    private static final List<String> MODULES = List.of("app", "core", "jobs", "live", "create", "detail", "search",
            "chart");

    /** Path -> resource and its type. */
    private static final Map<String, String[]> FILES = files();

    private static Map<String, String[]> files() {
        Map<String, String[]> files = new LinkedHashMap<>();
        files.put("/", new String[] {"web/index.html", "text/html; charset=utf-8"});
        for (String module : MODULES) {
            files.put("/ui/" + module + ".js", new String[] {"web/" + module + ".js", "text/javascript; charset=utf-8"});
        }
        files.put("/ui/app.css", new String[] {"web/app.css", "text/css; charset=utf-8"});
        files.put("/ui/favicon.svg", new String[] {"web/favicon.svg", "image/svg+xml"});
        // what a browser asks for when a page links no icon, and what other tools still ask for
        files.put("/favicon.ico", new String[] {"web/favicon.svg", "image/svg+xml"});
        files.put("/api/openapi.json", new String[] {"openapi/openapi.json", "application/json"});
        return files;
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        for (VertxPlatformHttpRouter router : context.getRegistry().findByType(VertxPlatformHttpRouter.class)) {
            install(router);
        }
    }

    private static void install(Router router) {
        FILES.forEach((path, file) -> {
            Buffer content = Buffer.buffer(read(file[0]));
            router.get(path).handler(ctx -> ctx.response().putHeader("Content-Type", file[1])
                    .putHeader("Cache-Control", "no-cache").putHeader("X-Content-Type-Options", "nosniff")
                    .putHeader("Content-Security-Policy", "default-src 'self'; connect-src 'self' ws: wss:;"
                            + " img-src 'self' data:; style-src 'self'; script-src 'self'")
                    .end(content));
        });
    }

    private static byte[] read(String resource) {
        try (InputStream in = StaticContent.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
