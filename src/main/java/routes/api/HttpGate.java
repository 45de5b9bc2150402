package routes.api;

import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

/**
 * What every request to /api meets before any route: a request id ({@code X-Request-Id}, taken from the client when
 * it sends a sane one, else made up; echoed on the answer and carried into the log lines of the request), CORS for
 * the configured origins, and, until the service has fully started, a 503 JSON answer instead of the HTML 404 Vert.x
 * gives for routes that do not exist yet.
 */
public final class HttpGate implements StartupListener {

    public static final String REQUEST_ID = "X-Request-Id";
    /** The Camel header the request id travels in: Camel's breadcrumb, which its MDC logging puts in every line. */
    private static final String BREADCRUMB = "breadcrumbId";
    private static final String STARTING = "Starting: the service is not ready yet; try again in a moment";
    private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private final List<String> corsOrigins;
    private final long maxJsonBytes;
    private final long maxBatchBytes;
    private static final java.util.regex.Pattern BATCH = java.util.regex.Pattern.compile(
            "/api/projects/[^/]+/ingest/batch/?");
    private final AccessGate access;
    private volatile boolean started;
    private volatile boolean installed;

    /** @param corsOrigins origins that may call the API from a browser ({@code https://app.example.org}); none: no CORS */
    /** @param access the API keys' gate, or null when auth is off */
    private final HttpDrain drain;

    public HttpGate(List<String> corsOrigins, long maxJsonBytes, long maxBatchBytes, AccessGate access,
            HttpDrain drain) {
        this.drain = drain;
        this.maxJsonBytes = maxJsonBytes;
        this.maxBatchBytes = maxBatchBytes;
        this.access = access;
        this.corsOrigins = List.copyOf(corsOrigins);
    }

    private static final Pattern CHARSET = Pattern.compile("(?i);\\s*charset\\s*=\\s*\"?([^\";\\s]*)");
    private static final java.util.regex.Pattern TEXT_HELPER = java.util.regex.Pattern.compile(
            "/api/projects/[^/]+/ingest/?");

    private final java.util.Set<Router> gated = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Gates every router not gated yet: the platform's as soon as it exists, the server's once it listens. */
    private synchronized void install(CamelContext context) {
        if (!installed) {
            for (Router router : routers(context)) {
                if (gated.add(router)) {
                    install(router);
                }
            }
            installed = gated.size() >= 2;
        }
    }

    /**
     * The server binds its router and then listens within the same start-up step, with no event in between: a
     * short-lived thread looks for the router every millisecond from the start of the context until it is gated.
     */
    @Override
    public void onCamelContextStarting(CamelContext context, boolean alreadyStarted) {
        Thread watcher = new Thread(() -> {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
            while (!installed && !started && System.nanoTime() < deadline) {
                install(context);
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
        }, "cortex-http-gate");
        watcher.setDaemon(true);
        watcher.start();
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // fully started is what counts: see below
    }

    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        install(context);
        started = true;
    }

    /** The platform's router, and the server's own outer router (it answers what the platform's does not). */
    private static List<Router> routers(CamelContext context) {
        List<Router> routers = new java.util.ArrayList<>();
        for (VertxPlatformHttpRouter platform : context.getRegistry().findByType(VertxPlatformHttpRouter.class)) {
            routers.add(platform);
            if (platform.getServer() != null && platform.getServer().getServer() != null
                    && platform.getServer().getServer().requestHandler() instanceof Router outer) {
                routers.add(outer);
            }
        }
        return routers;
    }

    void install(Router router) {
        // Until the routes exist, an unknown path is a route still to come: "Starting", not Vert.x's HTML 404.
        // Once started it answers as HttpErrorPages does: which of the two installs last on the outer router is a
        // race of start-up listeners, so both must give the same 404.
        router.errorHandler(404, ctx -> {
            if (!ctx.response().ended()) {
                ctx.response().setStatusCode(started ? 404 : 503).putHeader("Content-Type", "application/json")
                        .end(new JsonObject().put("detail", started ? HttpErrorPages.notFound(ctx) : STARTING).encode());
            }
        });
        // HEAD is GET without the body (uptime checks and caches send it): routed as the GET it stands for, Vert.x
        // leaves the body out of a HEAD's answer and keeps its status and headers. Streams have no such answer.
        router.route().order(-1002).method(HttpMethod.HEAD).handler(ctx -> {
            if (ctx.request().path().startsWith("/api/stream/")) {
                ctx.response().putHeader("Allow", "GET");
                HttpErrorPages.refuse(ctx, 405, "A stream answers GET only (a WebSocket handshake or an event stream):"
                        + " HEAD " + ctx.request().path());
            } else {
                ctx.reroute(HttpMethod.GET, ctx.request().uri());
            }
        });
        router.route().order(-1001).handler(drain::track);
        router.route("/api/*").order(-1000).handler(this::requestId);
        if (!corsOrigins.isEmpty()) {
            CorsHandler cors = CorsHandler.create().addOrigins(corsOrigins)
                    .allowedMethods(java.util.Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.DELETE, HttpMethod.OPTIONS))
                    .allowedHeaders(java.util.Set.of("Content-Type", "Authorization", "Idempotency-Key", REQUEST_ID, "Last-Event-ID"))
                    .exposedHeaders(java.util.Set.of(REQUEST_ID)).maxAgeSeconds(600);
            // The service's own pages (the dashboard) send Origin too: they are no cross-origin call.
            router.route("/api/*").order(-999).handler(ctx -> {
                if (sameOrigin(ctx.request())) {
                    ctx.next();
                } else {
                    cors.handle(ctx);
                }
            });
        }
        router.route("/api/*").order(-998).handler(this::gate);
        router.route("/api/*").order(-997).handler(HttpGate::knownCharset);
        // JSON bodies: a small limit, except the text helper, whose content may be as large as an upload. Vert.x
        // runs one body handler per request, so camel.server's (the large limit) reads nothing after this one.
        BodyHandler small = BodyHandler.create(false).setBodyLimit(maxJsonBytes);
        // a batch holds up to a thousand job requests
        BodyHandler batch = BodyHandler.create(false).setBodyLimit(maxBatchBytes);
        if (access != null) {
            // keys before bodies: a request without a valid key is not read
            router.route("/api/*").order(-996).handler(access::handle);
        }
        router.route("/api/*").order(-995).handler(ctx -> {
            String path = ctx.request().path();
            HttpMethod method = ctx.request().method();
            boolean bodyless = method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS;
            if (bodyless || method == HttpMethod.POST && (TEXT_HELPER.matcher(path).matches()
                    || path.endsWith("/ingest/upload"))) {
                ctx.next();
            } else if (method == HttpMethod.POST && BATCH.matcher(path).matches()) {
                batch.handle(ctx);
            } else {
                small.handle(ctx);
            }
        });
    }

    /** A request without an Origin (not a browser), or from a page of this service: its Origin is this host. */
    public static boolean sameOrigin(io.vertx.core.http.HttpServerRequest request) {
        String origin = request.getHeader("Origin");
        String host = request.getHeader("Host");
        return origin == null || host != null && (origin.equals("http://" + host) || origin.equals("https://" + host));
    }

    private void requestId(RoutingContext ctx) {
        String given = ctx.request().getHeader(REQUEST_ID);
        String id = given != null && SANE_ID.matcher(given).matches() ? given : UUID.randomUUID().toString();
        ctx.request().headers().set(REQUEST_ID, id).set(BREADCRUMB, id);
        ctx.response().putHeader(REQUEST_ID, id);
        ctx.next();
    }

    /**
     * A body in a charset the JVM does not know would fail deep in Camel's conversion (a 500): refused here. JSON is
     * UTF-8 (RFC 8259), but any charset the JVM can decode is taken.
     */
    private static void knownCharset(RoutingContext ctx) {
        String type = ctx.request().getHeader("Content-Type");
        java.util.regex.Matcher m = type == null ? null : CHARSET.matcher(type);
        if (m != null && m.find() && !supported(m.group(1))) {
            HttpErrorPages.refuse(ctx, 400, "Unsupported charset in Content-Type: send UTF-8"
                    + " (application/json; charset=utf-8)");
            return;
        }
        ctx.next();
    }

    private static boolean supported(String charset) {
        try {
            return java.nio.charset.Charset.isSupported(charset);
        } catch (java.nio.charset.IllegalCharsetNameException e) {
            return false;
        }
    }

    private void gate(RoutingContext ctx) {
        if (started) {
            ctx.next();
            return;
        }
        ctx.response().setStatusCode(503).putHeader("Content-Type", "application/json").putHeader("Retry-After", "1")
                .end(new JsonObject().put("detail", STARTING).encode());
    }

}
