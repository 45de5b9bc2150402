package routes.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import routes.source.Trees;
import routes.support.TestApp;

/**
 * Start-up: the time from starting {@code java -jar target/cortex-ingest.jar} on its embedded default (fresh data
 * directory: SQLite created and migrated, broker journal created) to the first 200 answer of {@code GET
 * /api/projects}, beside {@code java -version} (the JVM's own start) in the same run. Needs the jar: run
 * {@code ./mvnw -q -DskipTests package} first.
 */
public final class StartupBench {

    private StartupBench() {
    }

    public static void main(String[] args) throws Exception {
        int runs = Integer.getInteger("bench.runs", 5);
        Path jar = Path.of(System.getProperty("bench.jar", "target/cortex-ingest.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it with ./mvnw -q -DskipTests package");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Double> jvm = new ArrayList<>();
        List<Double> service = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            jvm.add(javaVersion(java));
            service.add(firstAnswer(java, jar));
        }
        System.out.printf(Locale.ROOT, "java -version:                 median %.2f s (min %.2f, max %.2f) of %d%n",
                median(jvm), Collections.min(jvm), Collections.max(jvm), runs);
        System.out.printf(Locale.ROOT, "start to first 200 /api/projects: median %.2f s (min %.2f, max %.2f) of %d%n",
                median(service), Collections.min(service), Collections.max(service), runs);
        System.exit(0);
    }

    private static double javaVersion(String java) throws Exception {
        long start = System.nanoTime();
        Process p = new ProcessBuilder(java, "-version").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        p.waitFor();
        return (System.nanoTime() - start) / 1e9;
    }

    private static double firstAnswer(String java, Path jar) throws Exception {
        Path dir = Files.createTempDirectory("startup-bench-");
        int port = TestApp.freePort();
        ProcessBuilder builder = new ProcessBuilder(java, "-jar", jar.toString()).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("service.log").toFile());
        builder.environment().put("CORTEX_HTTP_PORT", String.valueOf(port));
        builder.environment().put("CORTEX_BROKER_PORT", String.valueOf(TestApp.freePort()));
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/projects"))
                .timeout(Duration.ofSeconds(2)).build();
        long start = System.nanoTime();
        Process p = builder.start();
        try {
            while (true) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("the service exited: see " + dir.resolve("service.log"));
                }
                try {
                    if (client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        return (System.nanoTime() - start) / 1e9;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                Thread.sleep(20);
                if (System.nanoTime() - start > Duration.ofSeconds(120).toNanos()) {
                    throw new IllegalStateException("no 200 within 120 s: see " + dir.resolve("service.log"));
                }
            }
        } finally {
            p.destroy();
            p.waitFor();
            Trees.delete(dir);
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
