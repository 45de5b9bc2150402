package routes.bench;

import java.io.InputStream;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;

import routes.support.ApiClient.Reply;
import routes.support.ProcessApp;
import routes.support.S3ProxyServer;
import routes.support.TestDatabase;

/**
 * Large uploads against both storage backends: MB/s and the service's peak RSS (a separate process with -Xmx256m,
 * API role, so nothing processes the files), beside the raw ceiling of the same bytes in the same run: Java SHA-256
 * + write + fsync, and sha256sum. Settings: -Dbench.sizesMiB=1024,4096 -Dbench.backends=local,s3.
 */
public final class UploadBench {

    private static final byte[] LINE = "a line of text in a large upload, for the benchmark\n".getBytes(StandardCharsets.US_ASCII);

    private UploadBench() {
    }

    public static void main(String[] args) throws Exception {
        String[] sizes = System.getProperty("bench.sizesMiB", "1024,4096").split(",");
        Path tmp = Files.createTempDirectory("cortex-upload-bench");
        System.out.printf("%d cores, Java %s, service -Xmx256m%n%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
        try (S3ProxyServer s3 = S3ProxyServer.start(tmp)) {
            for (String mib : sizes) {
                long bytes = Long.parseLong(mib.trim()) * 1024 * 1024;
                ceilings(tmp, bytes);
                for (String backend : System.getProperty("bench.backends", "local,s3").split(",")) {
                    upload(tmp, backend, bytes, s3);
                }
                System.out.println();
            }
        }
    }

    private static void upload(Path tmp, String backend, long bytes, S3ProxyServer s3) throws Exception {
        Path dir = Files.createTempDirectory(tmp, backend);
        Map<String, String> env = new HashMap<>();
        env.put("CORTEX_ROLE", "api");
        env.put("CORTEX_DATABASE_URL", TestDatabase.sqlite(dir));
        env.put("CORTEX_STORAGE_LOCAL_DIR", dir.resolve("storage").toString());
        env.put("CORTEX_STORAGE_TEMP_DIR", dir.resolve("tmp").toString());
        env.put("CORTEX_BROKER_DATA_DIR", dir.resolve("artemis").toString());
        env.put("CORTEX_BROKER_PORT", String.valueOf(routes.support.TestApp.freePort()));
        env.put("CORTEX_STORAGE_MAX_UPLOAD_MB", "8192");
        env.put("CORTEX_STORAGE_BACKEND", backend);
        env.put("CORTEX_STORAGE_BUCKET", "bench-" + backend);
        env.put("CORTEX_STORAGE_ENDPOINT_URL", s3.endpoint());
        env.put("CORTEX_STORAGE_ACCESS_KEY", S3ProxyServer.ACCESS_KEY);
        env.put("CORTEX_STORAGE_SECRET_KEY", S3ProxyServer.SECRET_KEY);
        try (ProcessApp app = ProcessApp.start(dir, "service", env, "-Xmx256m")) {
            String project = app.postJson("/api/projects", "{\"name\":\"bench\"}").json().get("id").asText();
            long before = app.peakRssKib();
            String head = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"large.txt\"\r\n"
                    + "Content-Type: text/plain\r\n\r\n";
            String tail = "\r\n--b--\r\n";
            HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.concat(
                    HttpRequest.BodyPublishers.ofString(head),
                    HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> content(bytes)), bytes),
                    HttpRequest.BodyPublishers.ofString(tail));
            long t = System.nanoTime();
            Reply r = app.send(HttpRequest.newBuilder(app.uri("/api/projects/" + project + "/ingest/upload"))
                    .header("Content-Type", "multipart/form-data; boundary=b").POST(body), java.time.Duration.ofMinutes(30));
            double seconds = (System.nanoTime() - t) / 1e9;
            if (r.status() != 200 || r.json().at("/job/byte_size").asLong() != bytes) {
                throw new IllegalStateException("upload failed: " + r.status() + " " + r.body());
            }
            System.out.printf("  upload %-5s %5d MiB: %7.1f MB/s  peak RSS %4d MiB (%4d MiB before the upload)%n", backend,
                    bytes >> 20, bytes / 1e6 / seconds, app.peakRssKib() / 1024, before / 1024);
        }
        deleteTree(dir);
    }

    /** The same bytes, hashed, written and fsync'd by plain Java; then sha256sum of the file. */
    private static void ceilings(Path tmp, long bytes) throws Exception {
        Path file = tmp.resolve("ceiling.bin");
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long t = System.nanoTime();
        try (InputStream in = content(bytes); FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
                ByteBuffer b = ByteBuffer.wrap(buffer, 0, n);
                while (b.hasRemaining()) {
                    out.write(b);
                }
            }
            out.force(true);
        }
        double java = (System.nanoTime() - t) / 1e9;
        t = System.nanoTime();
        Process p = new ProcessBuilder("sha256sum", file.toString()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        p.waitFor();
        double sum = (System.nanoTime() - t) / 1e9;
        System.out.printf("%5d MiB  ceiling Java SHA-256 + write + fsync: %7.1f MB/s | sha256sum (file in page cache): %7.1f MB/s%n",
                bytes >> 20, bytes / 1e6 / java, bytes / 1e6 / sum);
        Files.delete(file);
    }

    private static InputStream content(long bytes) {
        return new InputStream() {
            long produced;

            @Override
            public int read() {
                return produced < bytes ? LINE[(int) (produced++ % LINE.length)] : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (produced >= bytes) {
                    return -1;
                }
                int n = (int) Math.min(len, bytes - produced);
                for (int i = 0; i < n; i++) {
                    b[off + i] = LINE[(int) ((produced + i) % LINE.length)];
                }
                produced += n;
                return n;
            }
        };
    }

    private static void deleteTree(Path dir) throws Exception {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
