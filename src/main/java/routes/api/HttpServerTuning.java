package routes.api;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.TimeUnit;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.json.JsonObject;

/**
 * The Vert.x instance the platform's HTTP server is made with. camel.server builds its HttpServerOptions itself and
 * offers no idle timeout, and Vert.x answers a request it cannot parse (a URI or headers over its limits) with an
 * empty 414, 431 or 400 before any router sees it. This Vertx is the real one, except that the servers it creates
 * close connections idle for {@code idleTimeoutSeconds} (no byte either way: streams send pings more often) and
 * answer unparseable requests with the API's JSON error.
 */
public final class HttpServerTuning {

    private HttpServerTuning() {
    }

    /** Binds the tuned Vertx where camel.server looks for one; returns what closes it. */
    public static Runnable bindVertx(org.apache.camel.spi.Registry registry, int idleTimeoutSeconds, HttpDrain drain) {
        Vertx vertx = vertx(idleTimeoutSeconds, drain);
        registry.bind("vertx", vertx);
        return () -> vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    static Vertx vertx(int idleTimeoutSeconds, HttpDrain drain) {
        Vertx real = Vertx.vertx();
        return (Vertx) Proxy.newProxyInstance(HttpServerTuning.class.getClassLoader(),
                new Class<?>[] {VertxInternal.class}, (proxy, method, args) -> {
                    if (method.getName().equals("createHttpServer")) {
                        HttpServerOptions options = args != null && args.length == 1
                                && args[0] instanceof HttpServerOptions given ? given : new HttpServerOptions();
                        options.setIdleTimeout(idleTimeoutSeconds).setIdleTimeoutUnit(TimeUnit.SECONDS);
                        HttpServer server = real.createHttpServer(options);
                        server.invalidRequestHandler(HttpServerTuning::invalidRequest);
                        server.connectionHandler(drain::connection);
                        return server;
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** Vert.x's own answer to a request it could not decode, with a JSON body saying what to change. */
    static void invalidRequest(HttpServerRequest request) {
        DecoderResult result = request.decoderResult();
        Throwable cause = result == null ? null : result.cause();
        int status = 400;
        String detail = "Malformed HTTP request";
        if (cause instanceof TooLongFrameException) {
            String message = String.valueOf(cause.getMessage());
            if (message.startsWith("An HTTP line is larger than")) {
                status = 414;
                detail = "Request line too long: keep the URI under " + HttpServerOptions.DEFAULT_MAX_INITIAL_LINE_LENGTH
                        + " bytes";
            } else if (message.startsWith("HTTP header is larger than")) {
                status = 431;
                detail = "Request headers too large: keep them under " + HttpServerOptions.DEFAULT_MAX_HEADER_SIZE
                        + " bytes in all";
            }
        }
        request.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .putHeader("Connection", "close").end(new JsonObject().put("detail", detail).encode());
    }
}
