package routes.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import routes.support.ProcessApp;
import routes.support.TestApp;
import routes.support.TestDatabase;

/**
 * The HTTP path against its ceilings, all measured in one run with wrk ({@code -t2 -c16}, {@code bench.seconds} each,
 * after a warm-up): a JDK hello server in its own JVM; pgbench single-row inserts from 16 clients; and the runnable
 * jar on PostgreSQL (api role, embedded broker: intake is measured without processing) for a one-row
 * {@code GET /api/projects/{id}}, {@code POST .../ingest/jobs} into one project, and the same POST spread over 16
 * projects (every job change takes its project's row for the event seq until commit: one project serialises its
 * writers, 16 do not). wrk is installed with apt-get when missing.
 *
 * <p>{@code -Dbench.jfr=true} records the service with JFR during the run (target/http-bench.jfr).
 */
public final class HttpBench {

    private HttpBench() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = Integer.getInteger("bench.seconds", 10);
        String wrk = Wrk.ensure();
        Path dir = Files.createTempDirectory("cortex-http-bench");
        Files.createDirectories(dir.resolve("api/sources"));
        Path source = Files.writeString(dir.resolve("api/sources/a.txt"), "hello");
        System.out.printf("wrk -t2 -c16, %d s each, %d cores, Java %s%n%n", seconds,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));

        int helloPort = TestApp.freePort();
        Process hello = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-Dsun.net.httpserver.nodelay=true", "-cp", ProcessApp.classpath(), "routes.bench.HelloServer", String.valueOf(helloPort))
                .redirectErrorStream(true).redirectOutput(dir.resolve("hello.log").toFile()).start();
        Wrk.Result helloRun;
        try {
            Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> new java.net.Socket("127.0.0.1", helloPort).isConnected());
            String url = "http://127.0.0.1:" + helloPort + "/";
            Wrk.run(wrk, url, null, 3, 16);
            helloRun = Wrk.run(wrk, url, null, seconds, 16);
        } finally {
            hello.destroy();
            hello.waitFor();
        }
        Wrk.print("JDK hello server", helloRun, "req/s");

        double pgbench = pgbench(TestDatabase.freshPostgres(), dir, seconds);
        String db = TestDatabase.freshPostgres();
        System.out.printf("%-34s %9.0f tx/s%n", "pgbench single-row INSERT, 16 cl.", pgbench);

        Map<String, String> env = ProcessApp.env(dir.resolve("api"), db, "api");
        if (Boolean.getBoolean("bench.jfr")) {
            env.put("JAVA_TOOL_OPTIONS", "-XX:StartFlightRecording=filename=" + Path.of("target/http-bench.jfr")
                    .toAbsolutePath() + ",settings=profile");
        }
        try (ProcessApp app = ProcessApp.startJar(dir, "api", env, "-Xmx1g")) {
            String base = "http://127.0.0.1:" + app.httpPort();
            List<String> projects = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                projects.add(app.postJson("/api/projects", "{\"name\":\"http-" + i + "\"}").json().get("id").asText());
            }
            String body = "{\"source_path\":\"" + source + "\"}";
            Path one = Wrk.postScript(dir.resolve("one.lua"), jobPaths(List.of(projects.get(0))), List.of(body));
            Path spread = Wrk.postScript(dir.resolve("spread.lua"), jobPaths(projects), List.of(body));

            Wrk.run(wrk, base + "/api/projects/" + projects.get(0), null, 10, 16);
            Wrk.Result get = Wrk.run(wrk, base + "/api/projects/" + projects.get(0), null, seconds, 16);
            Wrk.print("GET /api/projects/{id}", get, "req/s");
            Wrk.run(wrk, base, one, 10, 16);
            // a WebSocket client on the project's stream: how long after its commit each created job's event arrives
            StreamLatency latency = StreamLatency.connect(base, projects.get(0));
            Wrk.Result post = Wrk.run(wrk, base, one, seconds, 16);
            Wrk.print("POST /ingest/jobs, 1 project", post, "jobs/s");
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ofSeconds(1))
                    .until(() -> unrelayedEvents(db) == 0);
            latency.close();
            System.out.printf("%-34s p50 %6.1f ms  p99 %6.1f ms  (%d events during the 1-project POST run)%n",
                    "commit -> WebSocket client", latency.percentile(50), latency.percentile(99), latency.count());
            Wrk.Result post16 = Wrk.run(wrk, base, spread, seconds, 16);
            Wrk.print("POST /ingest/jobs, 16 projects", post16, "jobs/s");

            System.out.printf("%nratios: GET / hello %.3f (goal >= 0.2) | intake / GET %.2f (goal >= 0.5) | "
                    + "intake / pgbench %.2f (goal >= 0.25) | 1 project / 16 projects %.2f%n",
                    get.perSecond() / helloRun.perSecond(), post.perSecond() / get.perSecond(), post.perSecond() / pgbench,
                    post.perSecond() / post16.perSecond());
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> unsent(db) == 0);
            System.out.printf("every created job handed to the queue: %d jobs, 0 unsent%n", jobs(db));
        }
    }

    /** Receipt time minus the event's timestamp (taken in the writing transaction, just before its commit). */
    static final class StreamLatency implements java.net.http.WebSocket.Listener {
        private final List<Double> millis = java.util.Collections.synchronizedList(new ArrayList<>());
        private final StringBuilder partial = new StringBuilder();
        private java.net.http.WebSocket socket;

        static StreamLatency connect(String base, String project) {
            StreamLatency l = new StreamLatency();
            l.socket = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(java.net.URI.create(base.replaceFirst("^http", "ws") + "/api/stream/projects/" + project
                            + "/ingest"), l).join();
            return l;
        }

        @Override
        public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket ws, CharSequence data, boolean last) {
            long now = System.currentTimeMillis();
            partial.append(data);
            if (last) {
                try {
                    var node = routes.api.Json.mapper().readTree(partial.toString());
                    if ("ingest.job.created".equals(node.path("type").asText())) {
                        millis.add((double) (now - java.time.Instant.parse(node.get("timestamp").asText()).toEpochMilli()));
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        double percentile(int p) {
            List<Double> sorted = new ArrayList<>(millis);
            java.util.Collections.sort(sorted);
            return sorted.isEmpty() ? Double.NaN : sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100));
        }

        int count() {
            return millis.size();
        }

        void close() {
            socket.abort();
        }
    }

    private static long unrelayedEvents(String db) throws Exception {
        return count(db, "SELECT COUNT(*) FROM job_events WHERE published_at IS NULL");
    }

    /** The job collections of these projects. */
    private static List<String> jobPaths(List<String> projects) {
        return projects.stream().map(p -> "/api/projects/" + p + "/ingest/jobs").toList();
    }

    /** pgbench: 16 clients, each transaction one single-row INSERT of a job-sized row. */
    private static double pgbench(String jdbc, Path dir, int seconds) throws Exception {
        Matcher url = Pattern.compile("jdbc:postgresql://([^:/]+):?([0-9]*)/([^?]+)").matcher(jdbc);
        if (!url.find()) {
            throw new IllegalStateException("not a PostgreSQL URL: " + jdbc);
        }
        try (var c = java.sql.DriverManager.getConnection(jdbc); var s = c.createStatement()) {
            s.execute("CREATE TABLE bench_rows (id uuid PRIMARY KEY, project_id uuid NOT NULL, source_path text,"
                    + " status text NOT NULL, created_at timestamptz NOT NULL)");
        }
        Path script = Files.writeString(dir.resolve("insert.sql"), "INSERT INTO bench_rows VALUES (gen_random_uuid(),"
                + " '00000000-0000-0000-0000-000000000001', '/tmp/a.txt', 'queued', now());\n");
        List<String> command = List.of("pgbench", "-n", "-c", "16", "-j", "2", "-T", String.valueOf(seconds), "-f",
                script.toString(), "-h", url.group(1), "-p", url.group(2).isEmpty() ? "5432" : url.group(2), "-U",
                "postgres", url.group(3));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException("pgbench failed: " + out);
        }
        return Wrk.number(out, "tps = ([0-9.]+)");
    }

    private static long unsent(String db) throws Exception {
        return count(db, "SELECT COUNT(*) FROM ingest_jobs WHERE handed_off_at IS NULL");
    }

    private static long jobs(String db) throws Exception {
        return count(db, "SELECT COUNT(*) FROM ingest_jobs");
    }

    private static long count(String db, String sql) throws Exception {
        try (var c = java.sql.DriverManager.getConnection(db); var s = c.createStatement(); var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
