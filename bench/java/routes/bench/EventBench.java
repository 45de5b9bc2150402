package routes.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import routes.support.TestApp;
import routes.support.TestDatabase;

/**
 * The event stream under load: end-to-end throughput of small text jobs (POST /ingest -> completed, 8 HTTP clients)
 * with no stream client and with 100 WebSocket clients on the project's stream, and the events per second delivered
 * to those clients during the run (every client must receive every event of the run). On the embedded default
 * (SQLite, embedded broker) and on PostgreSQL. Settings: -Dbench.jobs=400 -Dbench.clients=100.
 */
public final class EventBench {

    private static final int POSTERS = 8;

    private EventBench() {
    }

    public static void main(String[] args) throws Exception {
        int jobs = Integer.getInteger("bench.jobs", 400);
        int clients = Integer.getInteger("bench.clients", 100);
        System.out.printf("%d jobs per run, %d HTTP clients posting, %d cores, Java %s%n%n", jobs, POSTERS,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        Path tmp = Files.createTempDirectory("cortex-events");
        run("SQLite + embedded broker", TestDatabase.sqlite(tmp.resolve("sqlite")), tmp.resolve("sqlite"), jobs, clients);
        run("PostgreSQL + embedded broker", TestDatabase.freshPostgres(), tmp.resolve("pg"), jobs, clients);
    }

    private static void run(String name, String db, Path dir, int jobs, int clients) throws Exception {
        Files.createDirectories(dir);
        try (TestApp app = TestApp.start(db, dir.resolve("data"), Map.of())) {
            // warm-up, then without clients, then with them: each on its own project
            drive(app, project(app, "warm-up"), jobs / 4);
            double without = drive(app, project(app, "no-clients"), jobs);
            String watched = project(app, "watched");
            List<Counter> sockets = new ArrayList<>();
            HttpClient http = HttpClient.newHttpClient();
            for (int i = 0; i < clients; i++) {
                Counter c = new Counter();
                http.newWebSocketBuilder().buildAsync(URI.create(app.uri("/api/stream/projects/" + watched + "/ingest")
                        .toString().replaceFirst("^http", "ws")), c).join();
                sockets.add(c);
            }
            Thread.sleep(500);
            long t0 = System.nanoTime();
            double with = drive(app, watched, jobs);
            long expected = app.bean("database", routes.db.Database.class).inTransaction(c -> {
                try (var rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM job_events WHERE project_id = '"
                        + watched + "'")) {
                    rs.next();
                    return rs.getLong(1);
                }
            });
            // delivery ends when the last client has every event of the run
            while (sockets.stream().anyMatch(s -> s.messages.get() < expected)) {
                Thread.sleep(5);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            long delivered = sockets.stream().mapToLong(s -> s.messages.get()).sum();
            sockets.forEach(s -> s.socket.abort());
            System.out.printf("%s%n", name);
            System.out.printf("  end to end, no stream clients     : %7.1f jobs/s%n", without);
            System.out.printf("  end to end, %3d WebSocket clients : %7.1f jobs/s  (%.0f %% of the above)%n", clients,
                    with, 100 * with / without);
            System.out.printf("  events recorded for the run        : %7d (%.1f per job)%n", expected, (double) expected / jobs);
            System.out.printf("  events delivered to the clients    : %7d in %.1f s = %.0f events/s (every client got all %d)%n%n",
                    delivered, seconds, delivered / seconds, expected);
        }
    }

    private static String project(TestApp app, String name) {
        return app.postJson("/api/projects", "{\"name\":\"" + name + "\"}").json().get("id").asText();
    }

    /** POSTs {@code jobs} text jobs from 8 threads; jobs/s until the last is completed. */
    private static double drive(TestApp app, String project, int jobs) throws Exception {
        String ingest = "/api/projects/" + project + "/ingest";
        String done = "/api/projects/" + project + "/ingest/jobs?status=completed&limit=1";
        long start = System.nanoTime();
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(POSTERS);
        List<Future<?>> posts = new ArrayList<>();
        for (int c = 0; c < POSTERS; c++) {
            posts.add(pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < jobs; i = next.getAndIncrement()) {
                    app.postJson(ingest, "{\"source_type\":\"text\",\"content\":\"# Job " + i + "\\n\\nA small text.\"}");
                }
                return null;
            }));
        }
        for (Future<?> f : posts) {
            f.get();
        }
        pool.shutdown();
        while (app.get(done).json().get("total").asLong() < jobs) {
            Thread.sleep(5);
        }
        return jobs / ((System.nanoTime() - start) / 1e9);
    }

    /** Counts text messages; reads as fast as they come. */
    private static final class Counter implements WebSocket.Listener {
        final AtomicLong messages = new AtomicLong();
        WebSocket socket;

        @Override
        public void onOpen(WebSocket webSocket) {
            socket = webSocket;
            webSocket.request(Long.MAX_VALUE);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            if (last) {
                messages.incrementAndGet();
            }
            return null;
        }
    }
}
