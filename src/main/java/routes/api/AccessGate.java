package routes.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import routes.project.Ids;
import routes.project.ProjectKeys;

/**
 * API keys, when CORTEX_AUTH_ENABLED is true. The admin key (CORTEX_AUTH_ADMIN_KEY) opens everything, including
 * listing and creating projects; a project's key opens that project's routes, uploads and streams. A request
 * without a key, or with an unknown or revoked one, is 401; a valid key of another project gets the 404 an unknown
 * project gets, so a key never confirms that someone else's project exists. Keys come as {@code Authorization: Bearer}
 * or, for a browser's WebSocket and EventSource (which cannot send headers), as {@code ?access_token=}. A key found
 * valid is remembered for {@code cacheTtl}: a revocation takes that long to reach every instance.
 */
public final class AccessGate {

    private static final Logger LOG = LoggerFactory.getLogger(AccessGate.class);
    private static final Pattern PROJECT_PATH = Pattern.compile("^/api/(?:stream/)?projects/([^/]+)(?:/.*)?$");
    private static final Pattern LISTING = Pattern.compile("^/api/projects/?$");
    private static final int MAX_REMEMBERED = 10_000;
    /** The request header that tells the project listing which project the key opens. */
    public static final String KEY_PROJECT = "X-Cortex-Key-Project";

    private record Remembered(UUID projectId, long until) {
    }

    private final byte[] adminKey;
    private final ProjectKeys keys;
    private final long cacheTtlNanos;
    private final Map<String, Remembered> valid = new ConcurrentHashMap<>();

    public AccessGate(String adminKey, ProjectKeys keys, Duration cacheTtl) {
        this.adminKey = adminKey.getBytes(StandardCharsets.UTF_8);
        this.keys = keys;
        this.cacheTtlNanos = cacheTtl.toNanos();
    }

    void handle(RoutingContext ctx) {
        // the platform router is reachable through two wrappers: decide once per request
        if (ctx.get(AccessGate.class.getName()) != null) {
            ctx.next();
            return;
        }
        ctx.put(AccessGate.class.getName(), Boolean.TRUE);
        HttpServerRequest request = ctx.request();
        // only this gate says which project a key opens
        request.headers().remove(KEY_PROJECT);
        if (request.path().equals("/api/openapi.json")) {
            ctx.next();
            return;
        }
        String presented = presented(request);
        if (presented != null && MessageDigest.isEqual(adminKey, presented.getBytes(StandardCharsets.UTF_8))) {
            ctx.next();
            return;
        }
        Matcher project = PROJECT_PATH.matcher(request.path());
        boolean listing = request.method() == HttpMethod.GET && LISTING.matcher(request.path()).matches();
        if (listing && presented != null) {
            // a project's key lists its own project (the dashboard opened with a project key starts there)
            lookUp(ctx, presented, keyProject -> {
                if (keyProject.isEmpty()) {
                    HttpErrorPages.refuse(ctx, 401, "Unknown or revoked API key");
                } else {
                    request.headers().set(KEY_PROJECT, keyProject.get().toString());
                    ctx.next();
                }
            });
            return;
        }
        if (presented == null && request.getParam("access_token") != null) {
            HttpErrorPages.refuse(ctx, 401, "Send the API key as Authorization: Bearer <key>: ?access_token= is taken"
                    + " on the stream routes only (in any other URL a key ends up in proxy logs and browser history)");
            return;
        }
        if (!project.matches()) {
            HttpErrorPages.refuse(ctx, 401, presented == null
                    ? "An API key is required: send Authorization: Bearer <key>"
                    : "This needs the admin key (CORTEX_AUTH_ADMIN_KEY): listing and creating projects are the admin's");
            return;
        }
        if (presented == null) {
            HttpErrorPages.refuse(ctx, 401, "An API key of the project is required: send Authorization: Bearer <key>"
                    + " (WebSocket and EventSource: ?access_token=<key>)");
            return;
        }
        String projectId = project.group(1);
        lookUp(ctx, presented, keyProject -> decide(ctx, projectId, keyProject));
    }

    /** The project of a presented key: remembered, or read off the event loop while the request waits. */
    private void lookUp(RoutingContext ctx, String presented, java.util.function.Consumer<Optional<UUID>> then) {
        Remembered known = valid.get(presented);
        if (known != null && known.until() - System.nanoTime() > 0) {
            then.accept(Optional.of(known.projectId()));
            return;
        }
        ctx.request().pause(); // the body waits for the decision; the handler that reads it resumes the request
        ctx.vertx().executeBlocking(() -> keys.projectOf(presented), false).onComplete(found -> {
            if (found.failed()) {
                LOG.warn("Cannot check an API key: {}", found.cause().toString());
                HttpErrorPages.refuse(ctx, 503, "Service temporarily unavailable: the database is not answering;"
                        + " retry later");
                return;
            }
            found.result().ifPresent(id -> remember(presented, id));
            then.accept(found.result());
        });
    }

    private void decide(RoutingContext ctx, String projectId, Optional<UUID> keyProject) {
        if (keyProject.isEmpty()) {
            HttpErrorPages.refuse(ctx, 401, "Unknown or revoked API key");
        } else if (Ids.parse(projectId).filter(keyProject.get()::equals).isPresent()) {
            ctx.next();
        } else {
            HttpErrorPages.refuse(ctx, 404, "Project not found: " + projectId);
        }
    }

    private void remember(String key, UUID projectId) {
        if (valid.size() >= MAX_REMEMBERED) {
            valid.clear();
        }
        valid.put(key, new Remembered(projectId, System.nanoTime() + cacheTtlNanos));
    }

    private static String presented(HttpServerRequest request) {
        String header = request.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return header.substring(7).trim();
        }
        // in a URL a key ends up in proxy logs and browser history: only where a browser cannot send a header (a
        // WebSocket's upgrade, an EventSource), that is the stream routes
        if (!request.path().startsWith("/api/stream/")) {
            return null;
        }
        String token = request.getParam("access_token");
        return token == null || token.isBlank() ? null : token.trim();
    }
}
