package routes.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import routes.CortexIngest;

/**
 * The application as it runs in production: its own Main, application.properties and YAML routes, on a free port,
 * with test overrides for the database, the data directories and limits. Plus a small HTTP client for it.
 */
public final class TestApp implements AutoCloseable {

    /** An HTTP answer: status, raw body and the body parsed as JSON when it is JSON. */
    public record Reply(int status, String body, JsonNode json, Map<String, java.util.List<String>> headers) {
        public String detail() {
            return json == null ? null : json.path("detail").asText(null);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Main main;
    private final int port;
    private final Path dataDir;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    private TestApp(Main main, int port, Path dataDir) {
        this.main = main;
        this.port = port;
        this.dataDir = dataDir;
    }

    public static TestApp start(String databaseUrl, Path dataDir, Map<String, String> overrides) {
        int port = freePort();
        Map<String, String> props = new HashMap<>();
        props.put("cortex.http.port", String.valueOf(port));
        props.put("cortex.database.url", databaseUrl);
        props.put("cortex.storage.local-dir", dataDir.resolve("storage").toString());
        props.put("cortex.storage.temp-dir", dataDir.resolve("tmp").toString());
        props.put("cortex.broker.data-dir", dataDir.resolve("artemis").toString());
        props.put("cortex.broker.port", String.valueOf(freePort()));
        props.putAll(overrides);
        Main main = new Main(CortexIngest.class);
        props.forEach(main::addOverrideProperty);
        try {
            main.start();
        } catch (Exception e) {
            try {
                main.stop();
            } catch (Exception stopError) {
                e.addSuppressed(stopError);
            }
            throw new IllegalStateException("the application did not start: " + e.getMessage(), e);
        }
        return new TestApp(main, port, dataDir);
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public <T> T bean(String name, Class<T> type) {
        return context().getRegistry().lookupByNameAndType(name, type);
    }

    public Path dataDir() {
        return dataDir;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    public Reply get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    public Reply postJson(String path, String json) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Reply post(String path) {
        return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    public Reply delete(String path) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE());
    }

    public Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode json = null;
            if (r.headers().firstValue("Content-Type").orElse("").startsWith("application/json")) {
                json = JSON.readTree(r.body());
            }
            return new Reply(r.statusCode(), r.body(), json, r.headers().map());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A multipart upload; {@code fileName == null} sends no file part at all. */
    public Reply upload(String path, String fileName, byte[] content, String contentType, String checksum) {
        String boundary = "cortex-" + UUID.randomUUID();
        var body = new java.io.ByteArrayOutputStream();
        try {
            if (checksum != null) {
                body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"checksum\"\r\n\r\n" + checksum
                        + "\r\n").getBytes(StandardCharsets.UTF_8));
            }
            if (fileName != null) {
                body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
                        + "\"\r\n" + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n") + "\r\n")
                        .getBytes(StandardCharsets.UTF_8));
                body.write(content);
                body.write("\r\n".getBytes(StandardCharsets.UTF_8));
            }
            body.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
    }

    /** Files under a data directory (storage objects, temporary uploads): what a failed request must not leave. */
    public long filesUnder(String dir) {
        Path root = dataDir.resolve(dir);
        if (!Files.exists(root)) {
            return 0;
        }
        try (var files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        main.stop();
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
