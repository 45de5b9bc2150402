package routes.stream;

import java.nio.charset.StandardCharsets;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;

/**
 * A WebSocket client. Its unsent bytes are bounded by the write queue; it must answer pings (browsers and
 * java.net.http do so on their own) or it is closed, so a client that stopped reading cannot hold a connection open.
 */
final class WebSocketSink implements StreamSink {

    /** Close code for clients the server gives up on (policy violation: too slow, silent, unknown job). */
    static final short POLICY = 1008;
    static final short NORMAL = 1000;
    /** Close code when the service stops. */
    static final short GOING_AWAY = 1001;

    private final Vertx vertx;
    private final ServerWebSocket socket;
    private final HttpConnection connection;
    private final long pongTimeoutNanos;
    private volatile long lastPong = System.nanoTime();

    WebSocketSink(Vertx vertx, ServerWebSocket socket, HttpConnection connection, int bufferBytes, long pongTimeoutMillis) {
        this.vertx = vertx;
        this.socket = socket;
        this.connection = connection;
        this.pongTimeoutNanos = pongTimeoutMillis * 1_000_000L;
        socket.setWriteQueueMaxSize(bufferBytes);
        socket.pongHandler(pong -> lastPong = System.nanoTime());
    }

    @Override
    public void write(StreamEvent event) {
        socket.writeTextMessage(event.payload());
    }

    /** For messages that are not events (errors, resets). */
    void send(String text) {
        socket.writeTextMessage(text);
    }

    @Override
    public boolean full() {
        return socket.writeQueueFull();
    }

    @Override
    public void close(String reason, boolean goingAway) {
        end(goingAway ? GOING_AWAY : POLICY, reason);
    }

    @Override
    public void finish(String reason) {
        end(NORMAL, reason);
    }

    private void end(short code, String reason) {
        if (socket.isClosed()) {
            return;
        }
        socket.close(code, truncate(reason));
        // A client that does not read never answers the close frame either: drop the connection after a grace.
        vertx.setTimer(2000, t -> connection.close());
    }

    @Override
    public boolean alive() {
        if (socket.isClosed()) {
            return false;
        }
        if (System.nanoTime() - lastPong > pongTimeoutNanos) {
            return false;
        }
        socket.writePing(Buffer.buffer("ping"));
        return true;
    }

    /** A close reason is at most 123 bytes of UTF-8. */
    static String truncate(String reason) {
        byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        return bytes.length <= 123 ? reason : new String(bytes, 0, 120, StandardCharsets.UTF_8) + "...";
    }
}
