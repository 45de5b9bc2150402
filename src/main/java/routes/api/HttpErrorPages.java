package routes.api;

import java.util.List;
import java.util.Map;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

/**
 * Vert.x answers some requests before any route sees them (unknown path, wrong method, body too large, wrong media
 * type) with HTML or an empty body. This gives those answers the API's JSON error shape, on the platform's routers.
 */
public final class HttpErrorPages implements StartupListener {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HttpErrorPages.class);

    private static final Map<Integer, String> DETAILS = Map.of(
            400, "Bad request",
            404, "Not found",
            405, "Method not allowed",
            413, "Request body too large: JSON bodies take up to CORTEX_HTTP_MAX_JSON_BYTES, inline text up to"
                    + " CORTEX_HTTP_MAX_BODY_BYTES; send large files as uploads",
            415, "Unsupported media type",
            500, "Internal server error");

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // the platform router exists only once the context is fully started
    }

    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        // The router is registered under a name that carries the port, so find it by type.
        for (VertxPlatformHttpRouter platform : context.getRegistry().findByType(VertxPlatformHttpRouter.class)) {
            List<Router> both = new java.util.ArrayList<>(List.of(platform));
            if (platform.getServer() != null && platform.getServer().getServer() != null
                    && platform.getServer().getServer().requestHandler() instanceof Router outer) {
                both.add(outer);
            }
            // a 405 of either router names the methods of both: a path's routes may sit on the one or the other
            both.forEach(router -> install(router, both));
        }
    }

    /**
     * Answers a request refused by a Vert.x handler with the API's JSON error. A client still sending its body is
     * told {@code Connection: close} and the connection is closed once the answer is out, rather than read to the end.
     */
    static void refuse(RoutingContext ctx, int status, String detail) {
        HttpServerResponse response = ctx.response();
        if (response.ended()) {
            return;
        }
        if (!ctx.request().isEnded()) {
            response.putHeader("Connection", "close");
            response.endHandler(v -> ctx.request().connection().close());
        }
        response.setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("detail", detail).encode());
    }

    /** The 404 of a path no route serves: what was asked for, so a client sees its typo. */
    static String notFound(RoutingContext ctx) {
        return "Not found: " + ctx.request().method() + " " + ctx.request().path();
    }

    private static void install(Router router, List<Router> routers) {
        DETAILS.forEach((status, detail) -> router.errorHandler(status, page(routers, status, detail)));
        // Vert.x's body handler fails a body it cannot decode (a bad chunk size) with status 200 unless Netty wrapped
        // the error: that is a malformed request, answered as one, on a connection that cannot be trusted any more.
        router.errorHandler(200, ctx -> {
            if (!ctx.response().ended() && !ctx.response().headWritten()) {
                ctx.response().setStatusCode(400).putHeader("Content-Type", "application/json")
                        .putHeader("Connection", "close")
                        .end(new JsonObject().put("detail", "Malformed request body: " + (ctx.failure() == null
                                ? "unreadable" : ctx.failure().getMessage())).encode());
            }
            ctx.request().connection().close();
        });
    }

    /**
     * The methods some route of the router takes at this path (HEAD wherever GET is: every GET route answers it),
     * sorted, comma-separated. A route's path is a template: a {@code :name} segment matches any one segment.
     */
    static String allowed(List<Router> routers, String path) {
        java.util.TreeSet<String> methods = new java.util.TreeSet<>();
        String[] asked = path.split("/", -1);
        for (io.vertx.ext.web.Route route : routers.stream().flatMap(r -> r.getRoutes().stream()).toList()) {
            // a template with :params is a "regex path" to Vert.x, and keeps its template as its path
            if (route.getPath() == null || route.methods() == null || route.methods().isEmpty()
                    || !matches(route.getPath(), asked)) {
                continue;
            }
            route.methods().forEach(m -> methods.add(m.name()));
        }
        if (methods.contains("GET")) {
            methods.add("HEAD");
        }
        return String.join(", ", methods);
    }

    private static boolean matches(String template, String[] asked) {
        String[] parts = template.split("/", -1);
        if (parts.length != asked.length) {
            return false;
        }
        for (int i = 0; i < parts.length; i++) {
            if (!(parts[i].startsWith(":") && !asked[i].isEmpty() || parts[i].equals(asked[i]))) {
                return false;
            }
        }
        return true;
    }

    private static Handler<RoutingContext> page(List<Router> routers, int status, String detail) {
        return ctx -> {
            if (ctx.response().ended() || ctx.response().headWritten()) {
                return;
            }
            if (status == 500) {
                LOG.error("Answering 500 for {} {}", ctx.request().method(), ctx.request().path(), ctx.failure());
            }
            String text = detail;
            if (status == 404) {
                text = notFound(ctx);
            } else if (status == 405) {
                text = detail + ": " + ctx.request().method() + " " + ctx.request().path();
                // Vert.x says Allow only where it answers the 405 itself: an error handler of one's own must say it
                String allow = allowed(routers, ctx.request().path());
                if (!allow.isEmpty()) {
                    ctx.response().putHeader("Allow", allow);
                }
            }
            ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                    .end(new JsonObject().put("detail", text).encode());
        };
    }
}
