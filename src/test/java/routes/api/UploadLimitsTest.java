package routes.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import routes.support.TestApp;
import routes.support.TestDatabase;

/**
 * Slow and stalled uploads: the body is received on the event loop before the route runs, so stalled uploads (more
 * of them than Vert.x has worker threads) hold no worker and the rest of the API keeps answering; a body that sends
 * nothing for the idle timeout is answered 408 JSON and leaves nothing behind; and the whole body, not the file part
 * alone, counts towards the limit.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UploadLimitsTest {

    static final int STALLED = 30; // Vert.x has 20 worker threads

    TestApp app;
    String project;

    @BeforeAll
    void start(@TempDir Path tmp) {
        app = TestApp.start(TestDatabase.sqlite(tmp), tmp.resolve("data"), Map.of(
                "cortex.http.upload-idle-timeout-ms", "2000", "cortex.storage.max-upload-mb", "1"));
        project = app.postJson("/api/projects", "{\"name\":\"limits\"}").json().get("id").asText();
    }

    @AfterAll
    void stop() {
        app.close();
    }

    private Socket startUpload(String head, byte[] firstBytes) throws IOException {
        Socket socket = new Socket("127.0.0.1", app.uri("/").getPort());
        socket.setSoTimeout(20_000);
        OutputStream out = socket.getOutputStream();
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(firstBytes);
        out.flush();
        return socket;
    }

    private String uploadHead(long contentLength) {
        return "POST /api/projects/" + project + "/ingest/upload HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + "Content-Type: multipart/form-data; boundary=b\r\n"
                + (contentLength >= 0 ? "Content-Length: " + contentLength + "\r\n" : "Transfer-Encoding: chunked\r\n")
                + "\r\n";
    }

    private static final String FILE_PART = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"slow.txt\"\r\n"
            + "Content-Type: text/plain\r\n\r\n";

    /** The status line and JSON body the server sent on this socket. */
    private static Map.Entry<Integer, JsonNode> answer(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) > 0; ) {
            all.write(buffer, 0, n);
        }
        String text = all.toString(StandardCharsets.UTF_8);
        int status = Integer.parseInt(text.substring(9, 12));
        String body = text.substring(text.indexOf("\r\n\r\n") + 4);
        return Map.entry(status, new ObjectMapper().readTree(body));
    }

    @Test
    void stalledUploadsHoldNoWorkerAndAreAnswered408() throws Exception {
        long jobsBefore = app.get("/api/projects/" + project + "/ingest/jobs").json().get("total").asLong();
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < STALLED; i++) {
                stalled.add(startUpload(uploadHead(100_000), (FILE_PART + "some bytes then nothing").getBytes()));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> app.filesUnder("tmp") == STALLED);
            // every stalled upload is waiting for bytes; the API answers meanwhile
            long started = System.nanoTime();
            assertThat(app.get("/api/projects").status()).isEqualTo(200);
            assertThat(app.postJson("/api/projects/" + project + "/ingest",
                    "{\"source_type\":\"text\",\"content\":\"still served\"}").status()).isEqualTo(200);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
            for (Socket socket : stalled) {
                Map.Entry<Integer, JsonNode> answer = answer(socket);
                assertThat(answer.getKey()).isEqualTo(408);
                assertThat(answer.getValue().get("detail").asText()).contains("Upload stalled")
                        .contains("CORTEX_HTTP_UPLOAD_IDLE_TIMEOUT_MS");
            }
        } finally {
            for (Socket socket : stalled) {
                socket.close();
            }
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> app.filesUnder("tmp") == 0);
        // the one job is the text job created meanwhile: no stalled upload made one
        assertThat(app.get("/api/projects/" + project + "/ingest/jobs").json().get("total").asLong())
                .isEqualTo(jobsBefore + 1);
    }

    @Test
    void aSlowButSteadyUploadIsAccepted() throws Exception {
        byte[] tail = "\r\n--b--\r\n".getBytes();
        String content = "steady bytes\n".repeat(4);
        long length = FILE_PART.length() + content.length() + tail.length;
        java.util.concurrent.ScheduledExecutorService client = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try (Socket socket = startUpload(uploadHead(length), FILE_PART.getBytes())) {
            OutputStream out = socket.getOutputStream();
            // the client's pace: a line every 0.9 s (never idle for the 2 s timeout), then the closing boundary
            java.util.Deque<byte[]> pieces = new java.util.ArrayDeque<>();
            for (String line : content.split("(?<=\n)")) {
                pieces.add(line.getBytes());
            }
            pieces.add(tail);
            client.scheduleAtFixedRate(() -> {
                byte[] next = pieces.poll();
                if (next != null) {
                    try {
                        out.write(next);
                        out.flush();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            }, 900, 900, java.util.concurrent.TimeUnit.MILLISECONDS);
            Map.Entry<Integer, JsonNode> answer = answer(socket);
            assertThat(answer.getKey()).as(answer.getValue().toString()).isEqualTo(200);
            assertThat(answer.getValue().at("/job/byte_size").asLong()).isEqualTo(content.length());
        } finally {
            client.shutdownNow();
        }
    }

    @Test
    void theWholeBodyCountsTowardsTheLimit() throws Exception {
        // a tiny file after a 2 MB form field, sent chunked (no Content-Length to refuse it by)
        String field = "--b\r\nContent-Disposition: form-data; name=\"padding\"\r\n\r\n";
        try (Socket socket = startUpload(uploadHead(-1), new byte[0])) {
            OutputStream out = socket.getOutputStream();
            byte[] filler = new byte[64 * 1024];
            java.util.Arrays.fill(filler, (byte) 'x');
            writeChunk(out, field.getBytes());
            try {
                for (int i = 0; i < 32; i++) {
                    writeChunk(out, filler);
                }
                writeChunk(out, ("\r\n" + FILE_PART + "tiny\r\n--b--\r\n").getBytes());
                out.write("0\r\n\r\n".getBytes());
                out.flush();
            } catch (IOException closedByTheServer) {
                // the server answers and closes as soon as the body passes the limit
            }
            Map.Entry<Integer, JsonNode> answer = answer(socket);
            assertThat(answer.getKey()).isEqualTo(400);
            assertThat(answer.getValue().get("detail").asText()).startsWith("Upload too large");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> app.filesUnder("tmp") == 0);
        assertThat(app.get("/api/projects").status()).isEqualTo(200);
    }

    private static void writeChunk(OutputStream out, byte[] bytes) throws IOException {
        out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes());
        out.write(bytes);
        out.write("\r\n".getBytes());
        out.flush();
    }
}
