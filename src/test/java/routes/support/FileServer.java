package routes.support;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

/** A local HTTP server for http sources: files, redirects, a slow answer and a too large one. */
public final class FileServer implements AutoCloseable {

    private final HttpServer server;
    /** Released when the server closes: a stalled answer ends then at the latest. */
    private final java.util.concurrent.CountDownLatch closing = new java.util.concurrent.CountDownLatch(1);

    public FileServer() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    /** The host and port of this server, as CORTEX_FETCH_ALLOWED_HOSTS names an allowed server. */
    public String hostAndPort() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public FileServer file(String path, String contentType, byte[] body) {
        return handle(path, exchange -> {
            exchange.getResponseHeaders().add("Content-Type", contentType);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
    }

    public FileServer redirect(String path, String location) {
        return handle(path, exchange -> {
            exchange.getResponseHeaders().add("Location", location);
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
    }

    /** Sends its headers, then stays silent for {@code millis} before the body. */
    public FileServer slow(String path, long millis) {
        return handle(path, exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write("first bytes\n".getBytes());
                out.flush();
                closing.await(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
                out.write("the rest\n".getBytes());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                // the client gave up: that is the point
            }
        });
    }

    /** A body that never ends: a line every {@code millis}, until the client goes or the server closes. */
    public FileServer drip(String path, long millis) {
        return handle(path, exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                while (!closing.await(millis, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    out.write("drip\n".getBytes());
                    out.flush();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                // the client stopped reading: that is the point
            }
        });
    }

    /** A body of {@code bytes} bytes sent without a Content-Length (chunked): the limit must hold while reading. */
    public FileServer endless(String path, long bytes) {
        return handle(path, exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, 0);
            byte[] line = "0123456789abcdef\n".repeat(64).getBytes();
            try (OutputStream out = exchange.getResponseBody()) {
                for (long sent = 0; sent < bytes; sent += line.length) {
                    out.write(line);
                }
            } catch (IOException e) {
                // the client stopped reading at its limit
            }
        });
    }

    private FileServer handle(String path, HttpHandler handler) {
        server.createContext(path, exchange -> {
            try (HttpExchange ignored = exchange) {
                handler.handle(exchange);
            }
        });
        return this;
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
    }
}
