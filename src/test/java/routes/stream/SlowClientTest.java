package routes.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import routes.support.StreamClient;
import routes.support.TestApp;
import routes.support.TestDatabase;

/** A client that never reads must not hold up processing, the fan-out or other clients; it is closed with a reason. */
class SlowClientTest {

    @Test
    void aClientThatNeverReadsBlocksNothingAndIsClosed(@TempDir Path tmp) throws Exception {
        Path sources = Files.createDirectories(tmp.resolve("sources"));
        Path file = Files.writeString(sources.resolve("doc.txt"), "text ".repeat(100));
        try (TestApp app = TestApp.start(TestDatabase.sqlite(tmp), tmp.resolve("data"), Map.of(
                "cortex.local-source-roots", sources.toString(),
                "cortex.stream.ping-ms", "500",
                "cortex.stream.pong-timeout-ms", "2000",
                "cortex.stream.client-buffer-kb", "4096"))) {
            String project = app.postJson("/api/projects", "{\"name\":\"slow\"}").json().get("id").asText();
            String path = "/api/stream/projects/" + project + "/ingest";
            StreamHub hub = app.bean("streamHub", StreamHub.class);
            try (Socket stuck = rawWebSocket(app.uri(path).getPort(), path);
                    StreamClient.Socket good = StreamClient.connect(app, path)) {
                await().atMost(Duration.ofSeconds(5)).until(() -> hub.clients() == 2);
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    ids.add(app.postJson("/api/projects/" + project + "/ingest/jobs", "{\"source_path\":\"" + file + "\"}")
                            .json().get("id").asText());
                }
                // every job completes, and the reading client sees every event of all of them, in order
                Set<String> done = new HashSet<>();
                List<Long> seqs = new ArrayList<>();
                while (done.size() < ids.size()) {
                    JsonNode e = good.next();
                    seqs.add(e.get("seq").asLong());
                    if (e.at("/job/status").asText().equals("completed")) {
                        done.add(e.at("/job/id").asText());
                    }
                }
                assertThat(done).containsExactlyInAnyOrderElementsOf(ids);
                for (int i = 1; i < seqs.size(); i++) {
                    assertThat(seqs.get(i)).as("no gap, nothing twice").isEqualTo(seqs.get(i - 1) + 1);
                }
                // the silent client was dropped (no pong), the good one is still there
                await().atMost(Duration.ofSeconds(10)).until(() -> hub.clients() == 1);
                assertThat(closeReason(stuck.getInputStream())).startsWith("1008 No answer to pings");
            }
        }
    }

    /** A WebSocket handshake by hand; afterwards nothing is read until the test looks for the close frame. */
    static Socket rawWebSocket(int port, String path) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", port));
        String key = Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return socket;
    }

    /** Skips the handshake answer and every frame up to the close frame: its code and reason. */
    static String closeReason(InputStream raw) throws IOException {
        DataInputStream in = new DataInputStream(raw);
        int matched = 0;
        byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        while (matched < end.length) {
            matched = in.readByte() == end[matched] ? matched + 1 : 0;
        }
        while (true) {
            int opcode = in.readUnsignedByte() & 0x0F;
            long length = in.readUnsignedByte() & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] payload = in.readNBytes((int) length);
            if (opcode == 0x8) {
                int code = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
                return code + " " + new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
            }
        }
    }
}
