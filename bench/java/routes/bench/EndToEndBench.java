package routes.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSProducer;
import jakarta.jms.Queue;

import org.apache.camel.component.jms.JmsComponent;
import routes.support.TestApp;
import routes.support.TestDatabase;

/**
 * End-to-end throughput of small text jobs (POST /ingest -> completed) on the embedded default (SQLite) and on
 * PostgreSQL, both with the embedded broker, beside two ceilings measured in the same JVM run: a raw JMS persistent
 * send+receive loop on the same broker, and the job's database lifecycle (1 insert + 3 updates, one transaction
 * each) on the same database. Plus the latency of one job on an idle service. Settings: -Dbench.jobs=400.
 */
public final class EndToEndBench {

    private static final int CLIENTS = 8;

    private EndToEndBench() {
    }

    public static void main(String[] args) throws Exception {
        int jobs = Integer.getInteger("bench.jobs", 400);
        System.out.printf("%d jobs per run, %d HTTP clients, default worker concurrency (4), %d cores, Java %s%n%n", jobs,
                CLIENTS, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        Path tmp = Files.createTempDirectory("cortex-e2e");
        run("SQLite + embedded broker", TestDatabase.sqlite(tmp.resolve("sqlite")), tmp.resolve("sqlite"), jobs);
        run("PostgreSQL + embedded broker", TestDatabase.freshPostgres(), tmp.resolve("pg"), jobs);
    }

    private static void run(String name, String db, Path dir, int jobs) throws Exception {
        Files.createDirectories(dir);
        try (TestApp app = TestApp.start(db, dir.resolve("data"), Map.of())) {
            String project = app.postJson("/api/projects", "{\"name\":\"bench\"}").json().get("id").asText();
            String ingest = "/api/projects/" + project + "/ingest";
            String list = "/api/projects/" + project + "/ingest/jobs?status=completed&limit=1";

            // idle latency: one job at a time, POST until completed
            List<Long> idle = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                long t = System.nanoTime();
                String id = app.postJson(ingest, "{\"source_type\":\"text\",\"content\":\"idle job " + i + "\"}")
                        .json().get("job_id").asText();
                while (!app.get("/api/projects/" + project + "/ingest/jobs/" + id).json().get("status").asText().equals("completed")) {
                    // poll every millisecond, not in a tight loop that would take the CPU from the job
                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                }
                idle.add(System.nanoTime() - t);
            }
            long before = app.get(list).json().get("total").asLong();

            // throughput: jobs POSTed by 8 clients; the clock stops when the last one is completed
            long start = System.nanoTime();
            AtomicInteger next = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            List<Future<?>> posts = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                posts.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < jobs; i = next.getAndIncrement()) {
                        check(app.postJson(ingest, "{\"source_type\":\"text\",\"content\":\"# Job " + i
                                + "\\n\\nA small text document to ingest.\"}").status(), 200);
                    }
                    return null;
                }));
            }
            for (Future<?> f : posts) {
                f.get();
            }
            double posted = (System.nanoTime() - start) / 1e9;
            while (app.get(list).json().get("total").asLong() - before < jobs) {
                java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            pool.shutdown();

            ConnectionFactory cf = app.context().getComponent("jms", JmsComponent.class).getConfiguration().getConnectionFactory();
            double jms = rawJms(cf, jobs);
            double lifecycle = lifecycle(db, project, jobs);
            System.out.printf("%s%n", name);
            System.out.printf("  end to end  POST -> completed : %7.1f jobs/s  (%d jobs in %.1f s; all POSTed after %.1f s)%n",
                    jobs / seconds, jobs, seconds, posted);
            System.out.printf("  idle job    POST -> completed : p50 %6.1f ms  p90 %6.1f ms%n", p(idle, 50), p(idle, 90));
            System.out.printf("  ceiling JMS persistent send+receive (4+4 threads) : %7.1f msg/s%n", jms);
            System.out.printf("  ceiling DB lifecycle 1 insert + 3 updates (4 threads) : %7.1f jobs/s%n", lifecycle);
            System.out.printf("  ratio end-to-end / min(ceilings) : %.2f%n%n", (jobs / seconds) / Math.min(jms, lifecycle));
        }
    }

    /** Persistent 1 KiB messages, 4 producers and 4 consumers on their own queue of the same broker. */
    private static double rawJms(ConnectionFactory cf, int count) throws Exception {
        String queueName = "bench.raw." + UUID.randomUUID();
        byte[] payload = new byte[1024];
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger received = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        long start = System.nanoTime();
        List<Future<?>> all = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            all.add(pool.submit(() -> {
                try (JMSContext ctx = cf.createContext(JMSContext.AUTO_ACKNOWLEDGE)) {
                    Queue q = ctx.createQueue(queueName);
                    JMSProducer producer = ctx.createProducer().setDeliveryMode(DeliveryMode.PERSISTENT);
                    while (sent.getAndIncrement() < count) {
                        producer.send(q, payload);
                    }
                }
                return null;
            }));
            all.add(pool.submit(() -> {
                try (JMSContext ctx = cf.createContext(JMSContext.AUTO_ACKNOWLEDGE)) {
                    var consumer = ctx.createConsumer(ctx.createQueue(queueName));
                    while (received.get() < count) {
                        if (consumer.receive(200) != null) {
                            received.incrementAndGet();
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : all) {
            f.get();
        }
        pool.shutdown();
        return count / ((System.nanoTime() - start) / 1e9);
    }

    /** What the service writes per job, without the service: insert, then three status/stage updates. */
    private static double lifecycle(String url, String project, int count) throws Exception {
        UUID projectId = UUID.fromString(project);
        String source;
        try (Connection c = DriverManager.getConnection(url); PreparedStatement ps =
                c.prepareStatement("SELECT id FROM ingest_sources WHERE project_id = ?")) {
            ps.setString(1, project);
            if (url.startsWith("jdbc:postgresql")) {
                ps.setObject(1, projectId);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                source = rs.getString(1);
            }
        }
        boolean pg = url.startsWith("jdbc:postgresql");
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        long start = System.nanoTime();
        List<Future<?>> all = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            all.add(pool.submit(() -> {
                try (Connection c = DriverManager.getConnection(url)) {
                    while (next.getAndIncrement() < count) {
                        Object id = pg ? UUID.randomUUID() : UUID.randomUUID().toString();
                        Object now = pg ? Timestamp.from(Instant.now()) : Instant.now().toString();
                        try (PreparedStatement ins = c.prepareStatement("INSERT INTO ingest_jobs (id, project_id, source_id,"
                                + " source_uri, stage, status, progress, attempts, created_at, updated_at) VALUES"
                                + " (?, ?, ?, 'file:///x', 'initial', 'queued', 0, 0, ?, ?)")) {
                            ins.setObject(1, id);
                            ins.setObject(2, pg ? projectId : project);
                            ins.setObject(3, pg ? UUID.fromString(source) : source);
                            ins.setObject(4, now);
                            ins.setObject(5, now);
                            ins.executeUpdate();
                        }
                        for (String status : new String[] {"running", "running", "completed"}) {
                            try (PreparedStatement up = c.prepareStatement(
                                    "UPDATE ingest_jobs SET status = ?, updated_at = ? WHERE id = ?")) {
                                up.setString(1, status);
                                up.setObject(2, now);
                                up.setObject(3, id);
                                up.executeUpdate();
                            }
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : all) {
            f.get();
        }
        pool.shutdown();
        return count / ((System.nanoTime() - start) / 1e9);
    }

    private static double p(List<Long> nanos, int percentile) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1)) / 1e6;
    }

    private static void check(int status, int expected) {
        if (status != expected) {
            throw new IllegalStateException("expected HTTP " + expected + " but got " + status);
        }
    }
}
