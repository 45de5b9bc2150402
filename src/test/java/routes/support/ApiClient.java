package routes.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A small HTTP client for the service's API, as tests use it. */
public class ApiClient {

    /** An HTTP answer: status, raw body and the body parsed as JSON when it is JSON. */
    public record Reply(int status, String body, JsonNode json, Map<String, List<String>> headers) {
        public String detail() {
            return json == null ? null : json.path("detail").asText(null);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final int port;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    public ApiClient(int port) {
        this.port = port;
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
        return send(request, Duration.ofSeconds(60));
    }

    public Reply send(HttpRequest.Builder request, Duration timeout) {
        try {
            HttpResponse<String> r = http.send(request.timeout(timeout).build(),
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

    /** A text/plain upload with an Idempotency-Key. */
    public Reply uploadWithKey(String path, String key, String fileName, byte[] content) {
        return upload(path, fileName, content, "text/plain", fields(null), key);
    }

    /** A multipart upload; {@code fileName == null} sends no file part at all. */
    public Reply upload(String path, String fileName, byte[] content, String contentType, String checksum) {
        return upload(path, fileName, content, contentType, fields(checksum), null);
    }

    /** A multipart upload with these form fields before the file part. */
    public Reply uploadWithFields(String path, String fileName, byte[] content, String contentType,
            Map<String, String> fields) {
        return upload(path, fileName, content, contentType, fields, null);
    }

    private static Map<String, String> fields(String checksum) {
        return checksum == null ? Map.of() : Map.of("checksum", checksum);
    }

    private Reply upload(String path, String fileName, byte[] content, String contentType, Map<String, String> fields,
            String key) {
        String boundary = "cortex-" + UUID.randomUUID();
        var body = new java.io.ByteArrayOutputStream();
        try {
            for (Map.Entry<String, String> field : fields.entrySet()) {
                body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field.getKey()
                        + "\"\r\n\r\n" + field.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
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
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary);
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        return send(request.POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
    }

}
