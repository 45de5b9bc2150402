package routes.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.awaitility.Awaitility;
import routes.support.BrokerServer;
import routes.support.ProcessApp;
import routes.support.S3ProxyServer;
import routes.support.TestApp;
import routes.support.TestDatabase;

/**
 * The service as an operator runs it, every part its own process: an api instance and two worker instances of the
 * runnable jar, an Artemis broker process, S3Proxy, on the machine's PostgreSQL. It starts, kills and restarts
 * them, and makes the database, S3 and the upload directory fail, for the fault suite.
 */
final class Cluster implements AutoCloseable {

    static final String BUCKET = "fault-suite";
    static final String EXIT_MARKER = "poison-crash";

    final Path dir;
    final String db;
    final int brokerPort = TestApp.freePort();
    final int s3Port = TestApp.freePort();
    private final BrokerServer broker;
    private S3ProxyServer s3;
    /** Consumer threads of each worker process: how many attempts a kill can catch at once. */
    static final int WORKER_THREADS = 3;

    ProcessApp api;
    final ProcessApp[] workers = new ProcessApp[2];
    private int starts;
    /** attempt log of each worker process started -> when it was killed (System.nanoTime), if it was. */
    final Map<Path, Long> attemptLogs = new ConcurrentHashMap<>();
    private final Map<ProcessApp, Path> logOf = new ConcurrentHashMap<>();

    /** The host and port the jobs' remote sources are fetched from (an allowed-hosts entry). */
    private final String sourceHost;

    Cluster(Path dir, String sourceHost) throws IOException {
        this.dir = dir;
        this.sourceHost = sourceHost;
        this.db = TestDatabase.freshPostgres();
        Files.createDirectories(dir.resolve("sources"));
        broker = new BrokerServer(dir, brokerPort);
        startBroker();
        s3 = S3ProxyServer.start(dir.resolve("s3"), s3Port);
        api = ProcessApp.startJar(dir, "api", env("api", "api"), "-Xmx256m");
        for (int i = 0; i < workers.length; i++) {
            workers[i] = startWorker(i);
        }
    }

    private Map<String, String> env(String role, String name) {
        Map<String, String> env = ProcessApp.env(dir.resolve(name), db, role);
        env.put("CORTEX_BROKER_URL", "tcp://127.0.0.1:" + brokerPort);
        env.put("CORTEX_STORAGE_BACKEND", "s3");
        env.put("CORTEX_STORAGE_BUCKET", BUCKET);
        env.put("CORTEX_STORAGE_ENDPOINT_URL", s3.endpoint());
        env.put("CORTEX_STORAGE_ACCESS_KEY", S3ProxyServer.ACCESS_KEY);
        env.put("CORTEX_STORAGE_SECRET_KEY", S3ProxyServer.SECRET_KEY);
        // an entry with a port allows that port only
        env.put("CORTEX_FETCH_ALLOWED_HOSTS", sourceHost);
        env.put("CORTEX_TASK_MAX_RETRIES", "4");
        env.put("CORTEX_TASK_RETRY_BACKOFF_SECONDS", "2");
        env.put("CORTEX_TASK_RETRY_BACKOFF_MAX_SECONDS", "8");
        env.put("CORTEX_RECOVERY_STALE_SECONDS", "20");
        env.put("CORTEX_SWEEP_START_DELAY_MS", "1000");
        env.put("CORTEX_SWEEP_PERIOD_MS", "2000");
        // leftovers go 40 s after their last write: more than a stage, a parse or a stalled upload may last here
        env.put("CORTEX_SWEEP_MIN_AGE_SECONDS", "40");
        env.put("CORTEX_WORKER_STAGE_DEADLINE_SECONDS", "30");
        env.put("CORTEX_EXTRACT_PARSE_TIMEOUT_SECONDS", "30");
        env.put("CORTEX_HTTP_UPLOAD_IDLE_TIMEOUT_MS", "20000");
        env.put("CORTEX_EXTRACT_PARSER_MEMORY_MB", "64");
        env.put("CORTEX_WORKER_CONCURRENCY", String.valueOf(WORKER_THREADS));
        return env;
    }

    private ProcessApp startWorker(int i) {
        Path log = dir.resolve("attempts-" + (++starts) + ".log");
        Map<String, String> env = env("worker", "worker-" + i);
        env.put("CORTEX_TESTING_STAGE_DELAY_MS", "20");
        env.put("CORTEX_TESTING_ATTEMPT_LOG", log.toString());
        env.put("CORTEX_TESTING_EXIT_WHEN_NAME_CONTAINS", EXIT_MARKER);
        attemptLogs.put(log, Long.MAX_VALUE);
        ProcessApp worker;
        try {
            worker = ProcessApp.startJar(dir, "worker-" + i, env, "-Xmx256m");
        } catch (IllegalStateException diedStarting) {
            // the crash switch can end a worker before it answered its first request: it is dead now
            attemptLogs.put(log, System.nanoTime());
            throw diedStarting;
        }
        // the attempts it had not ended end when the process did (told by the JDK as it reaps the process)
        worker.onExit(() -> attemptLogs.put(log, System.nanoTime()));
        logOf.put(worker, log);
        return worker;
    }

    /** kill -9 of worker {@code i}, then a new worker process in its place. */
    void killAndRestartWorker(int i) {
        workers[i].kill();
        workers[i] = startWorker(i);
    }

    /** A worker that died by itself (the crash switch) is replaced, as an orchestrator would. */
    void replaceDeadWorkers() {
        for (int i = 0; i < workers.length; i++) {
            if (!workers[i].isAlive()) {
                try {
                    workers[i] = startWorker(i);
                } catch (IllegalStateException diedStarting) {
                    // it took the crash job as it started and died again: the next call starts another
                }
            }
        }
    }

    void startBroker() {
        broker.start();
    }

    /** kill -9 of the broker process. */
    void killBroker() throws InterruptedException {
        broker.kill();
    }

    void stopS3() {
        s3.close();
    }

    void startS3() {
        s3 = S3ProxyServer.start(dir.resolve("s3"), s3Port);
    }

    S3ProxyServer s3() {
        return s3;
    }

    /** The database refuses every connection, and the service's open ones are ended. */
    void refuseDatabase() throws SQLException {
        admin("ALTER DATABASE " + dbName() + " ALLOW_CONNECTIONS false");
        admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + dbName() + "'");
    }

    void acceptDatabase() throws SQLException {
        admin("ALTER DATABASE " + dbName() + " ALLOW_CONNECTIONS true");
    }

    private void admin(String sql) throws SQLException {
        String server = db.substring(0, db.lastIndexOf('/') + 1) + "postgres" + db.substring(db.indexOf('?') < 0
                ? db.length() : db.indexOf('?'));
        try (Connection c = DriverManager.getConnection(server); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    String dbName() {
        String tail = db.substring(db.lastIndexOf('/') + 1);
        return tail.contains("?") ? tail.substring(0, tail.indexOf('?')) : tail;
    }

    /** The temporary directory of the api instance, where uploads are received. */
    Path apiTempDir() {
        return dir.resolve("api").resolve("tmp");
    }

    /** Every instance's temporary directory. */
    List<Path> tempDirs() {
        List<Path> dirs = new ArrayList<>(List.of(apiTempDir()));
        for (int i = 0; i < workers.length; i++) {
            dirs.add(dir.resolve("worker-" + i).resolve("tmp"));
        }
        return dirs;
    }

    Connection database() throws SQLException {
        return DriverManager.getConnection(db);
    }

    Map<String, Long> killTimes() {
        return new HashMap<>(attemptLogs.entrySet().stream().collect(java.util.stream.Collectors.toMap(
                e -> e.getKey().toString(), Map.Entry::getValue)));
    }

    @Override
    public void close() {
        for (ProcessApp worker : workers) {
            if (worker != null) {
                worker.close();
            }
        }
        if (api != null) {
            api.close();
        }
        if (broker != null) {
            broker.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }
}
