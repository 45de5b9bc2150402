package routes.api;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

import io.vertx.core.http.HttpConnection;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP at shutdown. From the moment the service begins to stop, new connections are closed as they are accepted and
 * new requests on open connections are answered 503 JSON ({@code Connection: close}), so a load balancer moves on;
 * requests already in flight finish. One whose body is still arriving when the drain's deadline comes (a slow
 * upload) is answered 503 JSON then, and nothing of it is kept. Streams are not waited for: they are closed with the
 * service.
 */
public final class HttpDrain {

    private static final Logger LOG = LoggerFactory.getLogger(HttpDrain.class);
    private static final String SEEN = HttpDrain.class.getName();
    private static final String SHUTTING_DOWN = "Shutting down: this instance takes no new requests; send it again"
            + " (another instance, or this one once it is back, will take it)";

    private final Set<RoutingContext> inFlight = ConcurrentHashMap.newKeySet();
    private volatile boolean draining;

    /** Every request passes here first (order before the gate). */
    void track(RoutingContext ctx) {
        if (ctx.get(SEEN) != null) {
            ctx.next(); // the same request on the server's outer router and on the platform's
            return;
        }
        ctx.put(SEEN, Boolean.TRUE);
        if (draining) {
            ctx.response().setStatusCode(503).putHeader("Content-Type", "application/json")
                    .putHeader("Connection", "close").putHeader("Retry-After", "1")
                    .end(new JsonObject().put("detail", SHUTTING_DOWN).encode());
            return;
        }
        if (!ctx.request().path().startsWith("/api/stream/")) {
            inFlight.add(ctx);
            ctx.addEndHandler(v -> inFlight.remove(ctx));
        }
        ctx.next();
    }

    /** Every new connection: closed at once while draining. */
    public void connection(HttpConnection connection) {
        if (draining) {
            connection.close();
        }
    }

    public boolean draining() {
        return draining;
    }

    /**
     * Stops taking requests and waits until those in flight have been answered, at most {@code within}. Requests
     * still sending their body then are answered 503; those being processed are left to finish (their work may be
     * committed already: a 503 would invite a duplicate). Returns how many requests were refused at the deadline.
     */
    public int drain(Duration within) {
        draining = true;
        long deadline = System.nanoTime() + within.toNanos();
        while (!inFlight.isEmpty() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(20_000_000);
        }
        int refused = 0;
        for (RoutingContext ctx : inFlight) {
            if (!ctx.request().isEnded() && !ctx.response().ended()) {
                HttpErrorPages.refuse(ctx, 503, SHUTTING_DOWN);
                refused++;
            }
        }
        if (refused > 0) {
            LOG.warn("Shutdown: {} request(s) still sending their body after {} ms were answered 503", refused,
                    within.toMillis());
        }
        return refused;
    }
}
