package routes.support;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Clients of the streams for tests: a WebSocket (java.net.http) and an SSE reader, collecting what they receive. */
public final class StreamClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private StreamClient() {
    }

    /** A connected WebSocket: its text messages as JSON, and how it was closed. */
    public static final class Socket implements WebSocket.Listener, AutoCloseable {
        public final LinkedBlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
        public final CompletableFuture<String> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        WebSocket socket;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    messages.add(JSON.readTree(partial.toString()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete("error " + error);
        }

        /** The next message, waiting up to 20 s. */
        public JsonNode next() throws InterruptedException {
            JsonNode m = messages.poll(20, TimeUnit.SECONDS);
            if (m == null) {
                throw new AssertionError("no stream message within 20 s");
            }
            return m;
        }

        /** Messages until one matches, all of them returned. */
        public List<JsonNode> until(java.util.function.Predicate<JsonNode> last) throws InterruptedException {
            List<JsonNode> all = new ArrayList<>();
            JsonNode m;
            do {
                m = next();
                all.add(m);
            } while (!last.test(m));
            return all;
        }

        @Override
        public void close() {
            socket.abort();
        }
    }

    /** Connects to a project's stream and returns once the service counts it as a live client of the project. */
    public static Socket connectLive(TestApp app, String project) {
        var hub = app.bean("streamHub", routes.stream.StreamHub.class);
        java.util.UUID id = java.util.UUID.fromString(project);
        int before = hub.liveClients(id);
        Socket socket = connect(app, "/api/stream/projects/" + project + "/ingest");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> hub.liveClients(id) > before);
        return socket;
    }

    public static Socket connect(ApiClient app, String path) {
        Socket listener = new Socket();
        listener.socket = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create(app.uri(path).toString().replaceFirst("^http", "ws")), listener).join();
        return listener;
    }

    /** Reads an SSE stream to its end: each event as {id, event, data}. */
    public static List<JsonNode> events(ApiClient app, String path, String lastEventId, int max) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(app.uri(path)).timeout(Duration.ofSeconds(60)).GET();
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<java.io.InputStream> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw new AssertionError("SSE answered " + response.statusCode() + ": "
                    + new String(response.body().readAllBytes(), StandardCharsets.UTF_8));
        }
        List<JsonNode> events = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            var event = JSON.createObjectNode();
            for (String line; events.size() < max && (line = reader.readLine()) != null; ) {
                if (line.isEmpty()) {
                    if (event.has("data")) {
                        events.add(event);
                    }
                    event = JSON.createObjectNode();
                } else if (!line.startsWith(":")) {
                    int colon = line.indexOf(':');
                    String field = line.substring(0, colon);
                    String value = line.substring(colon + 1).strip();
                    if (field.equals("data")) {
                        event.set("data", JSON.readTree(value));
                    } else {
                        event.put(field, value);
                    }
                }
            }
        }
        return events;
    }
}
