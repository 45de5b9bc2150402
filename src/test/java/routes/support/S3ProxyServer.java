package routes.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 protocol server for the tests: S3Proxy 4.1.0 (copied to target/s3proxy by the build) as a separate
 * process on a free loopback port, storing objects in a temporary directory.
 */
public final class S3ProxyServer implements AutoCloseable {

    public static final String ACCESS_KEY = "cortex-test";
    public static final String SECRET_KEY = "cortex-test-secret";

    private final Process process;
    private final int port;
    private final Path log;
    private final Path store;

    private S3ProxyServer(Process process, int port, Path log, Path store) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.store = store;
    }

    /** Where the filesystem store keeps an object's bytes: for tests that leave what a killed server leaves. */
    public Path file(String bucket, String key) {
        return store.resolve(bucket).resolve(key);
    }

    public static S3ProxyServer start(Path dir) {
        return start(dir, TestApp.freePort());
    }

    /** Starts on a given port: a restart keeps the endpoint and, with the same directory, the objects. */
    public static S3ProxyServer start(Path dir, int port) {
        return start(dir, port, false);
    }

    /** With {@code logRequests}, S3Proxy logs every request it serves, for {@link #requests} to count. */
    public static S3ProxyServer start(Path dir, int port, boolean logRequests) {
        try {
            Path store = Files.createDirectories(dir.resolve("s3-store"));
            Path conf = dir.resolve("s3proxy-" + port + ".conf");
            Files.write(conf, List.of(
                    "s3proxy.endpoint=http://127.0.0.1:" + port,
                    "s3proxy.authorization=aws-v2-or-v4",
                    "s3proxy.identity=" + ACCESS_KEY,
                    "s3proxy.credential=" + SECRET_KEY,
                    "jclouds.provider=filesystem",
                    "jclouds.filesystem.basedir=" + store));
            Path jar = Path.of("target", "s3proxy", "s3proxy.jar").toAbsolutePath();
            if (!Files.exists(jar)) {
                throw new IllegalStateException(jar + " is missing: the build copies it in process-test-resources");
            }
            Path log = dir.resolve("s3proxy-" + port + ".log");
            ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-jar", jar.toString(), "--properties", conf.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            if (logRequests) {
                builder.environment().put("LOG_LEVEL", "debug");
            }
            Process p = builder.start();
            S3ProxyServer server = new S3ProxyServer(p, port, log, store);
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                if (!p.isAlive()) {
                    throw new IllegalStateException("S3Proxy exited: " + Files.readString(dir.resolve("s3proxy-" + port + ".log")));
                }
                try (Socket s = new Socket("127.0.0.1", port)) {
                    return true;
                } catch (IOException notYet) {
                    return false;
                }
            });
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * How many requests with this method S3Proxy served for object keys of {@code bucket} that start with
     * {@code keyPrefix} (needs {@code logRequests}). Listings are requests on the bucket, not on a key: not counted.
     */
    public long requests(String method, String bucket, String keyPrefix) {
        java.util.regex.Pattern request = java.util.regex.Pattern.compile("\\{" + method + "@[0-9a-f]+ http://[^/ ]+/"
                + java.util.regex.Pattern.quote(bucket + "/" + keyPrefix) + "[^ ?]*[ ?]");
        try (var lines = Files.lines(log)) {
            return lines.filter(l -> l.contains("request:") && request.matcher(l).find()).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many requests with this method S3Proxy served for each object key of {@code bucket} (needs logRequests). */
    public Map<String, Long> requestsByKey(String method, String bucket) {
        java.util.regex.Pattern request = java.util.regex.Pattern.compile("\\{" + method + "@[0-9a-f]+ http://[^/ ]+/"
                + java.util.regex.Pattern.quote(bucket + "/") + "([^ ?]+)[ ?]");
        try (var lines = Files.lines(log)) {
            return lines.filter(l -> l.contains("request:")).map(request::matcher).filter(java.util.regex.Matcher::find)
                    .collect(java.util.stream.Collectors.groupingBy(m -> m.group(1), java.util.stream.Collectors.counting()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** A client of this server, for tests to look at (or tamper with) what the service stored. */
    public S3Client client() {
        return S3Client.builder().region(Region.US_EAST_1).endpointOverride(URI.create(endpoint())).forcePathStyle(true)
                .httpClientBuilder(ApacheHttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build();
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
