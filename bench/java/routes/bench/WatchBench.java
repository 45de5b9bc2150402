package routes.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import routes.support.S3ProxyServer;
import routes.support.TestApp;
import routes.support.TestDatabase;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Watched prefix: {@code bench.objects} (1,000) small text objects dropped at once (put by 8 threads before the
 * clock starts) -> the time until all their jobs are completed, beside the same number of jobs created through the
 * API ({@code POST /ingest} text, 8 clients) in the same run and the same service: SQLite, the embedded broker, the
 * S3 backend on S3Proxy (a separate process on the same machine), the watch in move mode polling every 200 ms.
 */
public final class WatchBench {

    private static final String BUCKET = "cortex-bench";
    private static final int THREADS = 8;

    private WatchBench() {
    }

    public static void main(String[] args) throws Exception {
        int objects = Integer.getInteger("bench.objects", 1000);
        Path tmp = Files.createTempDirectory("cortex-watch-bench");
        try (S3ProxyServer s3 = S3ProxyServer.start(tmp, TestApp.freePort()); S3Client client = s3.client()) {
            Map<String, String> settings = new HashMap<>(Map.of(
                    "cortex.storage.backend", "s3", "cortex.storage.bucket", BUCKET,
                    "cortex.storage.endpoint-url", s3.endpoint(),
                    "cortex.storage.access-key", S3ProxyServer.ACCESS_KEY,
                    "cortex.storage.secret-key", S3ProxyServer.SECRET_KEY,
                    "cortex.watch.enabled", "true", "cortex.watch.poll-delay-ms", "200",
                    "cortex.watch.min-age-seconds", "0", "cortex.watch.max-objects-per-poll", "100"));
            try (TestApp app = TestApp.start(TestDatabase.sqlite(tmp), tmp.resolve("data"), settings)) {
                String viaApi = app.postJson("/api/projects", "{\"name\":\"api\"}").json().get("id").asText();
                long start = System.nanoTime();
                parallel(objects, i -> check(app.postJson("/api/projects/" + viaApi + "/ingest",
                        "{\"source_type\":\"text\",\"content\":\"# Note " + i + "\\n\\nA small text document.\"}").status()));
                awaitCompleted(app, viaApi, objects);
                double api = (System.nanoTime() - start) / 1e9;

                String dropped = app.postJson("/api/projects", "{\"name\":\"dropped\"}").json().get("id").asText();
                // the watch is paused while the objects go in, so that the clock measures taking them, not putting them
                app.context().getRouteController().stopRoute("s3-watch");
                parallel(objects, i -> client.putObject(b -> b.bucket(BUCKET).key("inbox/" + dropped + "/n" + i + ".txt")
                        .contentType("text/plain"), RequestBody.fromString("# Note " + i + "\n\nA small text document.",
                        StandardCharsets.UTF_8)));
                start = System.nanoTime();
                app.context().getRouteController().startRoute("s3-watch");
                awaitCompleted(app, dropped, objects);
                double watch = (System.nanoTime() - start) / 1e9;

                System.out.printf("%d small text jobs, SQLite + embedded broker + S3 backend (S3Proxy), %d cores%n",
                        objects, Runtime.getRuntime().availableProcessors());
                System.out.printf("  API  POST /ingest (8 clients) -> all completed : %6.1f s  %7.1f jobs/s%n", api, objects / api);
                System.out.printf("  watched prefix, dropped at once -> all completed : %6.1f s  %7.1f jobs/s%n", watch,
                        objects / watch);
                System.out.printf("  ratio watch / API : %.2f%n", (objects / watch) / (objects / api));
            }
        }
        System.exit(0);
    }

    private interface Step {
        void run(int i) throws Exception;
    }

    private static void parallel(int count, Step step) throws Exception {
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> all = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            all.add(pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    step.run(i);
                }
                return null;
            }));
        }
        for (Future<?> f : all) {
            f.get();
        }
        pool.shutdown();
    }

    private static void awaitCompleted(TestApp app, String project, int count) {
        String list = "/api/projects/" + project + "/ingest/jobs?status=completed&limit=1";
        while (app.get(list).json().get("total").asLong() < count) {
            LockSupport.parkNanos(20_000_000);
        }
    }

    private static void check(int status) {
        if (status != 200) {
            throw new IllegalStateException("unexpected status " + status);
        }
    }
}
