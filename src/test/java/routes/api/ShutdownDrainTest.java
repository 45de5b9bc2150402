package routes.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import routes.support.ProcessApp;
import routes.support.TestDatabase;

/**
 * SIGTERM on an instance that serves HTTP: uploads in flight finish (or, still sending when the drain is over, get a
 * 503 JSON), new connections are refused from the start, and the process exits within its grace, saying so.
 */
class ShutdownDrainTest {

    private static final String BOUNDARY = "cortex-drain";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void uploadsInFlightFinishNewConnectionsAreRefusedAndTheProcessEndsWithinItsGrace() throws Exception {
        Map<String, String> env = ProcessApp.env(tmp, TestDatabase.sqlite(tmp), "all");
        env.put("CORTEX_SHUTDOWN_GRACE_SECONDS", "8");
        ProcessApp app = ProcessApp.start(tmp, "drain", env);
        try {
            String project = app.postJson("/api/projects", "{\"name\":\"drain\"}").json().get("id").asText();
            String path = "/api/projects/" + project + "/ingest/upload";
            byte[] content = "a file that arrives slowly\n".repeat(2000).getBytes(StandardCharsets.UTF_8);

            // an upload that is still sending when SIGTERM comes, and goes on sending for a second after it
            try (Socket slow = new Socket("127.0.0.1", app.httpPort());
                    Socket stalled = new Socket("127.0.0.1", app.httpPort())) {
                slow.setSoTimeout(15_000);
                stalled.setSoTimeout(15_000);
                byte[] slowBody = body("slow.txt", content);
                byte[] stalledBody = body("stalled.txt", content);
                OutputStream out = slow.getOutputStream();
                out.write(head(path, slowBody.length));
                out.write(slowBody, 0, slowBody.length / 2);
                out.flush();
                // one that stops sending halfway and never finishes
                stalled.getOutputStream().write(head(path, stalledBody.length));
                stalled.getOutputStream().write(stalledBody, 0, stalledBody.length / 2);
                stalled.getOutputStream().flush();
                Thread.sleep(300);

                long sigterm = System.nanoTime();
                app.signalTerminate();
                Thread.sleep(1000);
                // new connections: refused (closed at once, no answer) from the start of the shutdown
                assertThat(answerOfANewConnection(app.httpPort())).as("a new connection during shutdown").isNull();

                out.write(slowBody, slowBody.length / 2, slowBody.length - slowBody.length / 2);
                out.flush();
                String slowAnswer = readAnswer(slow.getInputStream());
                assertThat(slowAnswer).as("the upload in flight finishes").startsWith("HTTP/1.1 200");

                String stalledAnswer = readAnswer(stalled.getInputStream());
                assertThat(stalledAnswer).as("the stalled upload is told, in JSON").startsWith("HTTP/1.1 503");
                String stalledJson = stalledAnswer.substring(stalledAnswer.indexOf("\r\n\r\n") + 4);
                assertThat(JSON.readTree(stalledJson).get("detail").asText()).startsWith("Shutting down");

                assertThat(app.waitForExit(Duration.ofSeconds(10))).as("exited").isTrue();
                assertThat(Duration.ofNanos(System.nanoTime() - sigterm)).as("within its grace of 8 s (and a margin"
                        + " for the process to be reaped)").isLessThan(Duration.ofSeconds(10));
            }
            String log = Files.readString(app.log());
            assertThat(log).contains("Shutting down within 8 s").contains("Cortex Ingest stopped")
                    .doesNotContain("Exception in thread");
        } finally {
            app.close();
        }
        // one job: the slow upload's; nothing of the stalled one is kept
        try (ProcessApp again = ProcessApp.start(tmp, "drain-after", env)) {
            String project = again.get("/api/projects").json().get("items").get(0).get("id").asText();
            var jobs = again.get("/api/projects/" + project + "/ingest/jobs").json().get("items");
            assertThat(jobs).hasSize(1);
            assertThat(jobs.get(0).get("original_filename").asText()).isEqualTo("slow.txt");
        }
        assertThat(Files.list(tmp.resolve("tmp")).filter(f -> f.toString().endsWith(".part")).toList())
                .as("temporary upload files").isEmpty();
    }

    private static byte[] head(String path, int length) {
        return ("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary="
                + BOUNDARY + "\r\nContent-Length: " + length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] body(String name, byte[] content) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name
                + "\"\r\nContent-Type: text/plain\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(content);
        body.write(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return body.toByteArray();
    }

    /** The answer to a GET on a new connection, or null when the connection was closed without one. */
    private static String answerOfANewConnection(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write("GET /api/projects HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            String answer = readAnswer(s.getInputStream());
            return answer.isEmpty() ? null : answer;
        } catch (IOException refused) {
            return null;
        }
    }

    private static String readAnswer(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) > 0; ) {
                all.write(buffer, 0, n);
                String text = all.toString(StandardCharsets.ISO_8859_1);
                int headEnd = text.indexOf("\r\n\r\n");
                if (headEnd > 0) {
                    java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: (\\d+)")
                            .matcher(text.substring(0, headEnd));
                    if (length.find() && all.size() >= headEnd + 4 + Integer.parseInt(length.group(1))) {
                        break;
                    }
                }
            }
        } catch (java.net.SocketException reset) {
            // closed after (or instead of) the answer
        }
        return all.toString(StandardCharsets.UTF_8);
    }
}
