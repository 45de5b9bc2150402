package routes.stream;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import routes.db.Dialect;
import routes.job.IngestJob;
import routes.job.JobEvents;
import routes.job.JobStore;
import routes.project.Ids;

/**
 * The streams, on the REST API's own port and router (no second server, the same handlers in front):
 * <ul>
 * <li>WebSocket {@code /api/stream/projects/{project_id}/ingest?after=<seq>}: every change of the project's jobs,
 * replayed from the outbox after {@code seq}, then live;</li>
 * <li>WebSocket {@code /api/stream/projects/{project_id}/ingest/{job_id}}: a snapshot, then the job's changes;</li>
 * <li>SSE {@code /api/stream/projects/{project_id}/ingest/{job_id}/events}: the same as server-sent events, resumed
 * from {@code Last-Event-ID}, ending after a terminal status.</li>
 * </ul>
 * An unknown project is 404 before any upgrade. Database reads run on Vert.x worker threads, never the event loop.
 */
public final class StreamEndpoints implements StartupListener {

    private static final Logger LOG = LoggerFactory.getLogger(StreamEndpoints.class);
    private static final String RESET = "ingest.stream.reset";
    private static final int PAGE = 500;

    /** Limits of one client and of the keep-alive. */
    public record Limits(int bufferBytes, int maxHeld, long pingMillis, long pongTimeoutMillis, int snapshotLimit) {
    }

    private final java.util.List<String> allowedOrigins;
    private final StreamHub hub;
    private final JobEvents events;
    private final JobStore jobs;
    private final ObjectMapper json;
    private final Limits limits;
    private final int port;
    private Vertx vertx;
    private long timer = -1;

    /**
     * @param allowedOrigins besides the service's own pages: the origins whose pages may open a stream (a browser
     *                       sends Origin with every WebSocket, and a WebSocket has no CORS of its own)
     */
    public StreamEndpoints(StreamHub hub, JobEvents events, JobStore jobs, ObjectMapper json, Limits limits, int port,
            java.util.List<String> allowedOrigins) {
        this.allowedOrigins = java.util.List.copyOf(allowedOrigins);
        this.hub = hub;
        this.events = events;
        this.jobs = jobs;
        this.json = json;
        this.limits = limits;
        this.port = port;
    }

    /**
     * A client that sends no Origin (not a browser), a page of this service (same host), or an allowed origin.
     * Anything else is another site's page trying to read a project's stream in its visitor's name.
     */
    private boolean originAllowed(HttpServerRequest request) {
        return routes.api.HttpGate.sameOrigin(request) || allowedOrigins.contains(request.getHeader("Origin"));
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // the platform router exists only once the context is fully started
    }

    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        VertxPlatformHttpRouter router = context.getRegistry().lookupByNameAndType(
                VertxPlatformHttpRouter.getRouterNameFromPort(port), VertxPlatformHttpRouter.class);
        if (router == null) {
            router = context.getRegistry().findSingleByType(VertxPlatformHttpRouter.class);
        }
        if (router == null) {
            throw new IllegalStateException("no platform-http router on port " + port + " to serve the streams on");
        }
        install(router, router.vertx());
    }

    /** Closes every stream (going away) and stops the keep-alive timer. */
    public void stop() {
        if (vertx != null && timer >= 0) {
            vertx.cancelTimer(timer);
        }
        hub.closeAll("The service is stopping; reconnect to resume");
    }

    void install(Router router, Vertx vertx) {
        this.vertx = vertx;
        router.get("/api/stream/projects/:project_id/ingest").handler(this::projectSocket);
        router.get("/api/stream/projects/:project_id/ingest/:job_id/events").handler(this::jobEvents);
        router.get("/api/stream/projects/:project_id/ingest/:job_id").handler(this::jobSocket);
        timer = vertx.setPeriodic(limits.pingMillis(), id -> hub.check());
    }

    private void projectSocket(RoutingContext ctx) {
        Long after = seqParameter(ctx, ctx.request().getParam("after"), "after");
        if (after == null) {
            return;
        }
        upgrade(ctx, socket -> {
            UUID projectId = UUID.fromString(ctx.pathParam("project_id"));
            WebSocketSink sink = sink(ctx, socket);
            Subscriber subscriber = subscribe(projectId, null, sink, false, socket);
            blocking(() -> {
                JobEvents.Position position = events.position(projectId).orElseThrow();
                if (after < 0) {
                    return position.lastSeq();
                }
                if (after < position.purgedSeq()) {
                    return reset(subscriber, projectId, null, after, position);
                }
                return replay(subscriber, projectId, null, after);
            }, subscriber);
        }, after);
    }

    private void jobSocket(RoutingContext ctx) {
        upgrade(ctx, socket -> {
            UUID projectId = UUID.fromString(ctx.pathParam("project_id"));
            Optional<UUID> jobId = Ids.parse(ctx.pathParam("job_id"));
            WebSocketSink sink = sink(ctx, socket);
            if (jobId.isEmpty()) {
                jobNotFound(sink, ctx.pathParam("job_id"));
                return;
            }
            // like the SSE stream, it ends (1000) once the job is over: a terminal job's stream is its snapshot
            Subscriber subscriber = subscribe(projectId, jobId.get(), sink, true, socket);
            blocking(() -> {
                JobEvents.Snapshot snapshot = events.snapshot(projectId, jobId.get(), jobs, 1).orElseThrow();
                if (snapshot.jobs().isEmpty()) {
                    hub.remove(subscriber);
                    jobNotFound(sink, jobId.get().toString());
                    return -1L;
                }
                subscriber.replay(snapshotEvent(snapshot.jobs().get(0), snapshot.seq()));
                return snapshot.seq();
            }, subscriber);
        }, -1);
    }

    private void jobEvents(RoutingContext ctx) {
        String lastEventId = ctx.request().getHeader("Last-Event-ID");
        if (lastEventId == null) {
            lastEventId = ctx.request().getParam("lastEventId");
        }
        Long after = seqParameter(ctx, lastEventId, "Last-Event-ID");
        if (after == null) {
            return;
        }
        Optional<UUID> projectId = Ids.parse(ctx.pathParam("project_id"));
        Optional<UUID> jobId = Ids.parse(ctx.pathParam("job_id"));
        if (projectId.isEmpty() || jobId.isEmpty()) {
            notFound(ctx, projectId.isEmpty() ? "Project not found: " + ctx.pathParam("project_id")
                    : "Job not found: " + ctx.pathParam("job_id"));
            return;
        }
        ctx.request().pause();
        vertx.executeBlocking(() -> opening(projectId.get(), jobId.get(), after), false).onComplete(found -> {
            ctx.request().resume();
            if (found.failed()) {
                failed(ctx, found.cause());
                return;
            }
            if (found.result().snapshot().isEmpty() || found.result().snapshot().get().jobs().isEmpty()) {
                notFound(ctx, found.result().snapshot().isEmpty() ? "Project not found: " + projectId.get()
                        : "Job not found: " + jobId.get());
                return;
            }
            if (after > found.result().snapshot().get().seq()) {
                beyondTheEnd(ctx, "Last-Event-ID", after, found.result().snapshot().get().seq());
                return;
            }
            if (found.result().over()) {
                // resumed after the job's last event: nothing will come. 204 is what tells an EventSource to stop
                // reconnecting (a 200 that ends would be reconnected to, again and again)
                ctx.response().setStatusCode(204).end();
                return;
            }
            var response = ctx.response().setStatusCode(200).setChunked(true)
                    .putHeader("Content-Type", "text/event-stream").putHeader("Cache-Control", "no-cache")
                    .putHeader("X-Accel-Buffering", "no");
            response.write(": stream of job " + jobId.get() + "\n\n");
            EventStreamSink sink = new EventStreamSink(response, limits.bufferBytes());
            Subscriber subscriber = new Subscriber(projectId.get(), jobId.get(), sink, limits.maxHeld(), true);
            hub.add(subscriber);
            response.closeHandler(v -> {
                subscriber.close("client went away");
                hub.remove(subscriber);
            });
            JobEvents.Snapshot snapshot = found.result().snapshot().get();
            boolean jobOver = over(snapshot.jobs().get(0));
            blocking(() -> {
                if (after < 0) {
                    subscriber.replay(snapshotEvent(snapshot.jobs().get(0), snapshot.seq()));
                    return snapshot.seq();
                }
                JobEvents.Position position = events.position(projectId.get()).orElseThrow();
                long seq = after < position.purgedSeq() ? reset(subscriber, projectId.get(), jobId.get(), after, position)
                        : replay(subscriber, projectId.get(), jobId.get(), after);
                if (jobOver) {
                    // the replay holds all there will be (its terminal event may lie before the resume point)
                    subscriber.finish();
                }
                return seq;
            }, subscriber);
        });
    }

    /** What a job's SSE stream opens on: the job as of a seq, and whether a resume finds nothing more to say. */
    private record Opening(Optional<JobEvents.Snapshot> snapshot, boolean over) {
    }

    private Opening opening(UUID projectId, UUID jobId, long after) {
        Optional<JobEvents.Snapshot> snapshot = events.snapshot(projectId, jobId, jobs, 1);
        boolean over = after >= 0 && snapshot.isPresent() && !snapshot.get().jobs().isEmpty()
                && over(snapshot.get().jobs().get(0)) && events.after(projectId, jobId, after, 1).isEmpty()
                && after >= events.position(projectId).map(JobEvents.Position::purgedSeq).orElse(0L);
        return new Opening(snapshot, over);
    }

    /** A job whose stream has nothing more to come: terminal, or deleted. */
    private static boolean over(IngestJob job) {
        return job.status().isTerminal() || job.deletedAt() != null;
    }

    /**
     * A resume point beyond the project's last event: no event of this stream ever had it (a client's own number, or
     * another project's seq), and waiting for it would deliver nothing until the project caught up.
     */
    private static void beyondTheEnd(RoutingContext ctx, String name, long after, long lastSeq) {
        error(ctx, 400, name + " " + after + " is beyond this project's last event (seq " + lastSeq
                + "): resume from the seq of an event this stream sent");
    }

    /**
     * Checks the request (origin, handshake headers), the project (404) and the resume point {@code after} (-1 for
     * none; 400 beyond the project's last event), each refusal JSON before any upgrade; then upgrades it.
     */
    private void upgrade(RoutingContext ctx, Consumer<ServerWebSocket> opened, long after) {
        HttpServerRequest request = ctx.request();
        if (!originAllowed(request)) {
            error(ctx, 403, "Origin not allowed: " + request.getHeader("Origin") + " (set CORTEX_HTTP_CORS_ORIGINS)");
            return;
        }
        if (!"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            error(ctx, 400, "This is a WebSocket endpoint: connect with a WebSocket client (Upgrade: websocket)");
            return;
        }
        // Vert.x refuses a handshake without it in text/plain: refused here first, in JSON as every other refusal
        if (!connectionUpgrade(request.getHeader("Connection"))) {
            error(ctx, 400, "A WebSocket handshake needs the header Connection: Upgrade");
            return;
        }
        // Vert.x answers a wrong version with an empty 426 and takes any key: both checked here (RFC 6455 4.1)
        if (!"13".equals(request.getHeader("Sec-WebSocket-Version"))) {
            ctx.response().putHeader("Sec-WebSocket-Version", "13");
            error(ctx, 426, "WebSocket version 13 is the one spoken here (Sec-WebSocket-Version: 13)");
            return;
        }
        if (!validKey(request.getHeader("Sec-WebSocket-Key"))) {
            error(ctx, 400, "Sec-WebSocket-Key must be 16 random bytes in base64");
            return;
        }
        Optional<UUID> projectId = Ids.parse(ctx.pathParam("project_id"));
        if (projectId.isEmpty()) {
            notFound(ctx, "Project not found: " + ctx.pathParam("project_id"));
            return;
        }
        request.pause();
        vertx.executeBlocking(() -> events.position(projectId.get()), false).onComplete(found -> {
            if (found.failed()) {
                request.resume();
                failed(ctx, found.cause());
                return;
            }
            if (found.result().isEmpty()) {
                request.resume();
                notFound(ctx, "Project not found: " + projectId.get());
                return;
            }
            if (after > found.result().get().lastSeq()) {
                request.resume();
                beyondTheEnd(ctx, "after", after, found.result().get().lastSeq());
                return;
            }
            request.toWebSocket().onSuccess(opened::accept).onFailure(e -> LOG.info("WebSocket upgrade failed: {}", e.toString()));
        });
    }

    /** Whether a Connection header's tokens (comma-separated, any case) hold "upgrade". */
    private static boolean connectionUpgrade(String connection) {
        if (connection == null) {
            return false;
        }
        for (String token : connection.split(",")) {
            if (token.trim().equalsIgnoreCase("upgrade")) {
                return true;
            }
        }
        return false;
    }

    private static boolean validKey(String key) {
        try {
            return key != null && java.util.Base64.getDecoder().decode(key.trim()).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private WebSocketSink sink(RoutingContext ctx, ServerWebSocket socket) {
        return new WebSocketSink(vertx, socket, ctx.request().connection(), limits.bufferBytes(), limits.pongTimeoutMillis());
    }

    private Subscriber subscribe(UUID projectId, UUID jobId, WebSocketSink sink, boolean endAfterTerminal,
            ServerWebSocket socket) {
        Subscriber subscriber = new Subscriber(projectId, jobId, sink, limits.maxHeld(), endAfterTerminal);
        hub.add(subscriber);
        socket.closeHandler(v -> {
            subscriber.close("closed");
            hub.remove(subscriber);
        });
        // Clients do not send anything meaningful; reading keeps their pongs and close frames flowing.
        socket.textMessageHandler(text -> { });
        return subscriber;
    }

    /** Runs the replay or snapshot off the event loop, then lets the subscriber go live after what it covered. */
    private void blocking(Callable<Long> work, Subscriber subscriber) {
        vertx.executeBlocking(work, false).onComplete(done -> {
            if (done.failed()) {
                LOG.warn("Stream replay failed", done.cause());
                subscriber.close("Replay failed: " + done.cause().getMessage());
                hub.remove(subscriber);
            } else if (done.result() >= 0) {
                subscriber.goLive(done.result());
                hub.wentLive(subscriber.projectId(), done.result());
            }
        });
    }

    /** Writes the stored events after {@code after} (all of the project's, or one job's); returns the last seq. */
    private long replay(Subscriber subscriber, UUID projectId, UUID jobId, long after) {
        long seq = after;
        while (true) {
            List<JobEvents.Stored> page = events.after(projectId, jobId, seq, PAGE);
            for (JobEvents.Stored e : page) {
                subscriber.replay(StreamEvent.of(e));
                seq = e.seq();
            }
            if (page.size() < PAGE || subscriber.closed()) {
                return seq;
            }
        }
    }

    /**
     * The events after {@code after} were purged: say so, then the current snapshots (of the job, or of the project's
     * newest jobs), current at the seq they were read at.
     */
    private long reset(Subscriber subscriber, UUID projectId, UUID jobId, long after, JobEvents.Position position) {
        JobEvents.Snapshot snapshot = events.snapshot(projectId, jobId, jobs, limits.snapshotLimit()).orElseThrow();
        ObjectNode reset = json.createObjectNode().put("type", RESET)
                .put("detail", "Events after seq " + after + " up to seq " + position.purgedSeq()
                        + " were purged by retention; current snapshots follow, then live events")
                .put("purged_seq", position.purgedSeq()).put("seq", snapshot.seq())
                .put("timestamp", Dialect.now().toString());
        subscriber.replay(new StreamEvent(projectId, jobId, snapshot.seq(), RESET, "", reset.toString()));
        for (IngestJob job : snapshot.jobs()) {
            subscriber.replay(snapshotEvent(job, snapshot.seq()));
        }
        return snapshot.seq();
    }

    private StreamEvent snapshotEvent(IngestJob job, long seq) {
        ObjectNode node = json.createObjectNode();
        node.put("type", JobEvents.SNAPSHOT);
        node.set("job", json.valueToTree(job));
        node.put("seq", seq);
        node.put("timestamp", Dialect.now().toString());
        return new StreamEvent(job.projectId(), job.id(), seq, JobEvents.SNAPSHOT, job.status().toString(), node.toString());
    }

    private void jobNotFound(WebSocketSink sink, String jobId) {
        sink.send(new JsonObject().put("error", "job_not_found").put("job_id", jobId).encode());
        sink.close("job_not_found", false);
    }

    /** A seq parameter: absent is -1, otherwise a non-negative whole number (400 and null otherwise). */
    private static Long seqParameter(RoutingContext ctx, String value, String name) {
        if (value == null || value.isBlank()) {
            return -1L;
        }
        try {
            long seq = Long.parseLong(value.trim());
            if (seq >= 0) {
                return seq;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        error(ctx, 400, name + " must be a non-negative whole number (a seq): " + value);
        return null;
    }

    private static void notFound(RoutingContext ctx, String detail) {
        error(ctx, 404, detail);
    }

    private static void failed(RoutingContext ctx, Throwable error) {
        LOG.warn("Stream request failed", error);
        error(ctx, 503, "The event store is unavailable: " + error.getMessage());
    }

    private static void error(RoutingContext ctx, int status, String detail) {
        if (!ctx.response().ended()) {
            ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                    .end(new JsonObject().put("detail", detail).encode());
        }
    }
}
