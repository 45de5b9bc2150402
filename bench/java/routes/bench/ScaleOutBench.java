package routes.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.awaitility.Awaitility;
import routes.support.ProcessApp;
import routes.support.SampleDocuments;
import routes.support.TestApp;
import routes.support.TestDatabase;

/**
 * Scale-out: the same 1,000-job mixed workload (PDFs, HTML, text; extraction is CPU-bound, in parser processes)
 * drained by one worker instance, then by two, each pinned to one core with {@code taskset}; the runnable jar on
 * PostgreSQL with one Artemis broker process and an api instance. The jobs are created first, with no worker
 * running; jobs/s is the number of jobs over the first {@code started_at} to the last {@code completed_at}. Each run
 * then checks exactly once: every job completed, claimed once, with one set of documents. {@code bench.projects}
 * (1) spreads the jobs over that many projects: every change of a job takes its project's row lock for the event
 * seq until commit, so one project serialises all writers.
 *
 * <p>Needs the jar ({@code ./mvnw -q -DskipTests package}) and taskset.
 */
public final class ScaleOutBench {

    private ScaleOutBench() {
    }

    public static void main(String[] args) throws Exception {
        int jobs = Integer.getInteger("bench.jobs", 1000);
        Path dir = Files.createTempDirectory("cortex-scale-bench");
        String db = TestDatabase.freshPostgres();
        int brokerPort = TestApp.freePort();
        Process broker = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", ProcessApp.classpath(), "routes.reliability.BrokerProcess",
                dir.resolve("broker").toString(), String.valueOf(brokerPort)).redirectErrorStream(true)
                .redirectOutput(dir.resolve("broker.log").toFile()).start();
        Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> new java.net.Socket("127.0.0.1", brokerPort).isConnected());
        byte[] pdf = SampleDocuments.pdf("Scale", pages(Integer.getInteger("bench.pdf-pages", 100)));
        byte[] html = ("<html><head><title>Scale</title></head><body>" + "<p>A paragraph of the page.</p>".repeat(400)
                + "</body></html>").getBytes(StandardCharsets.UTF_8);
        System.out.printf("%-10s %6s %9s %8s %s%n", "workers", "jobs", "seconds", "jobs/s", "exactly once");
        double[] rates = new double[3];
        try (ProcessApp api = ProcessApp.startJar(dir, "api", env(dir, db, brokerPort, "api"), "-Xmx512m")) {
            for (int workers = 1; workers <= 2; workers++) {
                List<String> projects = new ArrayList<>();
                for (int p = 0; p < Integer.getInteger("bench.projects", 1); p++) {
                    projects.add(api.postJson("/api/projects", "{\"name\":\"scale-" + workers + "-" + p + "\"}").json()
                            .get("id").asText());
                }
                String project = String.join("','", projects);
                create(api, projects, jobs, pdf, html);
                List<ProcessApp> running = new ArrayList<>();
                try {
                    for (int w = 0; w < workers; w++) {
                        Map<String, String> env = env(dir, db, brokerPort, "worker");
                        env.put("CORTEX_WORKER_CONCURRENCY", "2");
                        running.add(ProcessApp.startJar(dir, "worker-" + workers + "-" + w, env, "-Xmx512m",
                                List.of("taskset", "-c", String.valueOf(w))));
                    }
                    Awaitility.await().atMost(Duration.ofMinutes(20)).pollInterval(Duration.ofMillis(500))
                            .until(() -> count(db, project, "status IN ('completed', 'failed', 'cancelled')") == jobs);
                } finally {
                    running.forEach(ProcessApp::close);
                }
                double seconds = seconds(db, project);
                rates[workers] = jobs / seconds;
                boolean once = count(db, project, "status = 'completed' AND attempts = 1") == jobs
                        && count(db, project, "(SELECT COUNT(*) FROM documents d WHERE d.job_id = ingest_jobs.id"
                                + " AND d.parent_id IS NULL AND d.staged_by IS NULL) = 1") == jobs;
                System.out.printf("%-10d %6d %9.1f %8.1f %s%n", workers, jobs, seconds, rates[workers],
                        once ? "yes" : "NO");
            }
        } finally {
            broker.destroyForcibly();
        }
        System.out.printf("ratio 2 / 1 workers: %.2f%n", rates[2] / rates[1]);
    }

    private static String[] pages(int n) {
        String[] pages = new String[n];
        for (int i = 0; i < n; i++) {
            pages[i] = "Page " + i + " of a report about scaling the ingest workers out to more cores.";
        }
        return pages;
    }

    private static Map<String, String> env(Path dir, String db, int brokerPort, String role) {
        Map<String, String> env = ProcessApp.env(dir.resolve(role), db, role);
        // one storage directory for all instances (one machine), one broker process
        env.put("CORTEX_STORAGE_LOCAL_DIR", dir.resolve("storage").toString());
        env.put("CORTEX_BROKER_URL", "tcp://127.0.0.1:" + brokerPort);
        env.put("CORTEX_WORKER_LEASE_SECONDS", "60");
        env.put("CORTEX_WORKER_LEASE_RENEW_MS", "10000");
        return env;
    }

    /** 40 % PDF (bench.pdf-pages, 100), 30 % HTML, 30 % text, uploaded by 8 clients. */
    private static void create(ProcessApp api, List<String> projects, int jobs, byte[] pdf, byte[] html)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < jobs; i++) {
                int n = i;
                String upload = "/api/projects/" + projects.get(n % projects.size()) + "/ingest/upload";
                done.add(pool.submit(() -> {
                    var reply = switch (n % 10) {
                        case 0, 1, 2, 3 -> api.upload(upload, "report-" + n + ".pdf", pdf, "application/pdf", null);
                        case 4, 5, 6 -> api.upload(upload, "page-" + n + ".html", html, "text/html", null);
                        default -> api.upload(upload, "note-" + n + ".txt",
                                ("Note " + n + "\n" + "A line of text.\n".repeat(200)).getBytes(StandardCharsets.UTF_8),
                                "text/plain", null);
                    };
                    if (reply.status() != 200) {
                        throw new IllegalStateException("upload answered " + reply.status() + ": " + reply.body());
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    private static long count(String db, String project, String condition) throws Exception {
        try (Connection c = DriverManager.getConnection(db); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM ingest_jobs WHERE project_id IN ('" + project + "') AND "
                        + condition)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static double seconds(String db, String project) throws Exception {
        try (Connection c = DriverManager.getConnection(db); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT EXTRACT(EPOCH FROM MAX(completed_at) - MIN(started_at))"
                        + " FROM ingest_jobs WHERE project_id IN ('" + project + "')")) {
            rs.next();
            return rs.getDouble(1);
        }
    }
}
