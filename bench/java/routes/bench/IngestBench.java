package routes.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import routes.support.TestApp;
import routes.support.TestDatabase;

/**
 * Intake and listing benchmark against PostgreSQL (spec: performance is measured, beside the raw ceiling).
 * (a) POST /ingest/jobs from N concurrent clients for S seconds, beside a plain JDBC single-row insert loop at the
 * same concurrency; (b) p50/p99 of a listing page at 10k and at 1M jobs in one project.
 * Run: see bench/README.md. Settings: -Dbench.clients=16 -Dbench.seconds=20 -Dbench.big=1000000.
 */
public final class IngestBench {

    private IngestBench() {
    }

    public static void main(String[] args) throws Exception {
        int clients = Integer.getInteger("bench.clients", 16);
        int seconds = Integer.getInteger("bench.seconds", 20);
        int big = Integer.getInteger("bench.big", 1_000_000);
        Path tmp = Files.createTempDirectory("cortex-bench");
        Path sources = Files.createDirectories(tmp.resolve("sources"));
        Path file = Files.writeString(sources.resolve("bench.txt"), "benchmark source");
        String url = TestDatabase.freshPostgres();
        System.out.printf("database %s, %d clients, %d s, %d cores, Java %s%n", url.replaceAll("\\?.*", ""), clients,
                seconds, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));

        try (TestApp app = TestApp.start(url, tmp.resolve("data"), Map.of("cortex.local-source-roots", sources.toString(),
                "cortex.database.pool-size", String.valueOf(clients)))) {
            // Intake only: the worker would compete for the same two cores with what is being measured.
            app.context().getRouteController().stopRoute("job-worker-consume");
            app.context().getRouteController().stopRoute("job-recovery");
            String project = app.postJson("/api/projects", "{\"name\":\"bench\"}").json().get("id").asText();
            String path = "/api/projects/" + project + "/ingest/jobs";
            String body = "{\"source_path\":\"" + file + "\"}";

            // warm-up, not counted
            run(clients, 3, () -> check(app.postJson(path, body).status(), 201));
            Result api = run(clients, seconds, () -> check(app.postJson(path, body).status(), 201));
            // The framework's share: a route that reads one row and answers, through the same HTTP stack.
            Result http = run(clients, seconds, () -> check(app.get("/api/projects/" + project).status(), 200));

            UUID projectId = UUID.fromString(project);
            UUID sourceId = UUID.fromString(app.get(path + "?limit=1").json().at("/items/0/source_id").asText());
            Result raw = rawInserts(url, clients, seconds, projectId, sourceId);
            System.out.printf("%nintake  POST /ingest/jobs : %8.0f jobs/s  p50 %6.2f ms  p99 %6.2f ms  (%d jobs)%n",
                    api.perSecond(), api.p(50), api.p(99), api.count());
            System.out.printf("ceiling JDBC insert      : %8.0f rows/s  p50 %6.2f ms  p99 %6.2f ms  (%d rows)%n",
                    raw.perSecond(), raw.p(50), raw.p(99), raw.count());
            System.out.printf("ratio API / raw          : %8.2f%n", api.perSecond() / raw.perSecond());
            System.out.printf("HTTP GET project (1 row) : %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms%n%n",
                    http.perSecond(), http.p(50), http.p(99));
            // Batch create: one transaction per batch, every job handed to the queue before the answer.
            String batchPath = "/api/projects/" + project + "/ingest/batch";
            for (int size : new int[] {100, 1000}) {
                String batchBody = "{\"jobs\":[" + String.join(",", java.util.Collections.nCopies(size, body)) + "]}";
                run(2, 2, () -> check(app.postJson(batchPath, batchBody).status(), 201));
                Result batches = run(2, Math.max(5, seconds / 2), () -> check(app.postJson(batchPath, batchBody).status(), 201));
                System.out.printf("batch of %,5d jobs       : %8.0f jobs/s  p50 %6.2f ms  p99 %6.2f ms per batch (%d batches, 2 clients)%n",
                        size, batches.perSecond() * size, batches.p(50), batches.p(99), batches.count());
            }
            if (Boolean.getBoolean("bench.skipListing")) {
                return;
            }

            String listed = app.postJson("/api/projects", "{\"name\":\"listing\"}").json().get("id").asText();
            String listPath = "/api/projects/" + listed + "/ingest/jobs?limit=50";
            UUID listedId = UUID.fromString(listed);
            UUID listedSource = UUID.fromString(sourceOf(url, listedId));
            for (int size : new int[] {10_000, big}) {
                fill(url, listedId, listedSource, size);
                String deepCursor = app.get(listPath).json().get("nextCursor").asText();
                Result first = timed(200, () -> check(app.get(listPath).status(), 200));
                Result next = timed(200, () -> check(app.get(listPath + "&cursor=" + deepCursor).status(), 200));
                Result filtered = timed(200, () -> check(app.get(listPath + "&status=completed").status(), 200));
                System.out.printf("listing %,9d jobs: first page p50 %6.2f ms p99 %6.2f ms | next page p50 %6.2f ms"
                        + " p99 %6.2f ms | status filter p50 %6.2f ms p99 %6.2f ms%n", size, first.p(50), first.p(99),
                        next.p(50), next.p(99), filtered.p(50), filtered.p(99));
            }
        }
    }

    /** The same row the API writes, as one plain INSERT per transaction, one connection per client. */
    private static Result rawInserts(String url, int clients, int seconds, UUID project, UUID source) throws Exception {
        List<Connection> connections = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            connections.add(DriverManager.getConnection(url));
        }
        String sql = "INSERT INTO ingest_jobs (id, project_id, source_id, source_path, source_uri, original_filename,"
                + " stage, status, progress, message, task_id, attempts, created_at, updated_at)"
                + " VALUES (?, ?, ?, '/x', 'file:///x', 'x', 'initial', 'queued', 0, 'Queued', 'raw', 0, ?, ?)";
        int[] next = {0};
        ThreadLocal<Connection> mine = ThreadLocal.withInitial(() -> {
            synchronized (next) {
                return connections.get(next[0]++);
            }
        });
        try {
            return run(clients, seconds, () -> {
                try (PreparedStatement ps = mine.get().prepareStatement(sql)) {
                    Timestamp now = Timestamp.from(Instant.now());
                    ps.setObject(1, UUID.randomUUID());
                    ps.setObject(2, project);
                    ps.setObject(3, source);
                    ps.setTimestamp(4, now);
                    ps.setTimestamp(5, now);
                    ps.executeUpdate();
                }
            });
        } finally {
            for (Connection c : connections) {
                c.close();
            }
        }
    }

    private static String sourceOf(String url, UUID project) throws Exception {
        try (Connection c = DriverManager.getConnection(url); PreparedStatement ps =
                c.prepareStatement("SELECT id FROM ingest_sources WHERE project_id = ?")) {
            ps.setObject(1, project);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /** Grows the project to {@code total} jobs with one server-side INSERT ... SELECT. */
    private static void fill(String url, UUID project, UUID source, int total) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            var rs = s.executeQuery("SELECT COUNT(*) FROM ingest_jobs WHERE project_id = '" + project + "'");
            rs.next();
            long have = rs.getLong(1);
            s.executeUpdate("INSERT INTO ingest_jobs (id, project_id, source_id, source_uri, stage, status, progress,"
                    + " attempts, task_id, created_at, updated_at) SELECT gen_random_uuid(), '" + project + "', '" + source
                    + "', 'file:///x', CASE WHEN g % 3 = 0 THEN 'done' ELSE 'initial' END,"
                    + " CASE WHEN g % 3 = 0 THEN 'completed' ELSE 'queued' END, 0, 0, 'bench',"
                    + " now() - (g || ' milliseconds')::interval, now() FROM generate_series(1, " + (total - have) + ") g");
            s.execute("ANALYZE ingest_jobs");
        }
    }

    interface Call {
        void run() throws Exception;
    }

    record Result(int count, double seconds, List<Long> nanos) {
        double perSecond() {
            return count / seconds;
        }

        double p(int percentile) {
            List<Long> sorted = new ArrayList<>(nanos);
            Collections.sort(sorted);
            int i = Math.min(sorted.size() - 1, (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1);
            return sorted.get(Math.max(i, 0)) / 1_000_000.0;
        }
    }

    private static Result run(int clients, int seconds, Call call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        List<Future<List<Long>>> futures = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            futures.add(pool.submit(() -> {
                List<Long> lat = new ArrayList<>();
                while (System.nanoTime() < end) {
                    long t = System.nanoTime();
                    call.run();
                    lat.add(System.nanoTime() - t);
                }
                return lat;
            }));
        }
        List<Long> all = new ArrayList<>();
        for (Future<List<Long>> f : futures) {
            all.addAll(f.get());
        }
        pool.shutdown();
        return new Result(all.size(), (System.nanoTime() - start) / 1e9, all);
    }

    private static Result timed(int times, Call call) throws Exception {
        List<Long> lat = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < times; i++) {
            long t = System.nanoTime();
            call.run();
            lat.add(System.nanoTime() - t);
        }
        return new Result(times, (System.nanoTime() - start) / 1e9, lat);
    }

    private static void check(int status, int expected) {
        if (status != expected) {
            throw new IllegalStateException("expected HTTP " + expected + " but got " + status);
        }
    }
}
