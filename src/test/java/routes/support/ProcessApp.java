package routes.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;

/**
 * The service as a separate operating-system process, started from the test classpath with CORTEX_* environment
 * variables, so that tests can kill it with SIGKILL and start it again on the same data.
 */
public final class ProcessApp extends ApiClient implements AutoCloseable {

    private final Process process;
    private final int httpPort;
    private final Path log;

    private ProcessApp(Process process, int httpPort, Path log) {
        super(httpPort);
        this.process = process;
        this.httpPort = httpPort;
        this.log = log;
    }

    /**
     * The settings of a service process in {@code dir} on database {@code db}: its data directories, local sources
     * under {@code dir/sources}, and short leases and recovery periods, so that crash tests finish in seconds.
     */
    public static Map<String, String> env(Path dir, String db, String role) {
        Map<String, String> env = new java.util.HashMap<>();
        env.put("CORTEX_ROLE", role);
        env.put("CORTEX_DATABASE_URL", db);
        env.put("CORTEX_STORAGE_LOCAL_DIR", dir.resolve("storage").toString());
        env.put("CORTEX_STORAGE_TEMP_DIR", dir.resolve("tmp").toString());
        env.put("CORTEX_LOCAL_SOURCE_ROOTS", dir.resolve("sources").toString());
        env.put("CORTEX_BROKER_DATA_DIR", dir.resolve("artemis").toString());
        env.put("CORTEX_WORKER_LEASE_SECONDS", "3");
        env.put("CORTEX_WORKER_LEASE_RENEW_MS", "1000");
        env.put("CORTEX_RECOVERY_PERIOD_MS", "1000");
        env.put("CORTEX_RECOVERY_GRACE_SECONDS", "2");
        return env;
    }

    /** Starts the service and waits until it is fully started (its HTTP port answers JSON, even a 404). */
    public static ProcessApp start(Path workDir, String name, Map<String, String> env) {
        return start(workDir, name, env, "-Xmx384m");
    }

    public static ProcessApp start(Path workDir, String name, Map<String, String> env, String maxHeap) {
        return start(workDir, name, env, List.of(), List.of(maxHeap, "-cp", classpath(), "routes.CortexIngest"));
    }

    /** The service with more JVM options before its class path (a log4j2 configuration, say). */
    public static ProcessApp startWith(Path workDir, String name, Map<String, String> env, List<String> jvmOptions) {
        List<String> args = new ArrayList<>(jvmOptions);
        args.addAll(List.of("-Xmx384m", "-cp", classpath(), "routes.CortexIngest"));
        return start(workDir, name, env, List.of(), args);
    }

    /** How a process that was expected to stop by itself ended: its exit status and its whole log. */
    public record Exit(int status, String log) {
    }

    /**
     * Runs the service until it exits by itself (a refused start), at most {@code timeout}, with the production log
     * configuration (log4j2.properties, not the tests'): what an operator would read.
     */
    public static Exit runToExit(Path workDir, String name, Map<String, String> env, Duration timeout) {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dlog4j2.configurationFile=log4j2.properties", "-Xmx384m", "-cp", classpath(), "routes.CortexIngest");
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        builder.environment().putAll(env);
        Path log = workDir.resolve(name + "-" + System.nanoTime() + ".log");
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        try {
            Process p = builder.start();
            if (!p.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor();
                throw new IllegalStateException("the service did not exit within " + timeout + ": "
                        + Files.readString(log));
            }
            return new Exit(p.exitValue(), Files.readString(log));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The runnable jar itself ({@code target/cortex-ingest.jar}, built by the package phase before the integration
     * tests run), as an operator runs it.
     */
    public static ProcessApp startJar(Path workDir, String name, Map<String, String> env, String maxHeap) {
        return startJar(workDir, name, env, maxHeap, List.of());
    }

    /** The same, the command run under {@code prefix} (for example {@code taskset -c 0}: pinned to one core). */
    public static ProcessApp startJar(Path workDir, String name, Map<String, String> env, String maxHeap,
            List<String> prefix) {
        Path jar = Path.of("target", "cortex-ingest.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: the fault suite runs after the package phase"
                    + " (./mvnw verify), on the jar it built");
        }
        return start(workDir, name, env, prefix, List.of(maxHeap, "-jar", jar.toString()));
    }

    private static ProcessApp start(Path workDir, String name, Map<String, String> env, List<String> prefix,
            List<String> args) {
        int port = TestApp.freePort();
        List<String> command = new ArrayList<>(prefix);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        builder.environment().putAll(env);
        builder.environment().put("CORTEX_HTTP_PORT", String.valueOf(port));
        Path log = workDir.resolve(name + "-" + System.nanoTime() + ".log");
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        try {
            Process p = builder.start();
            ProcessApp app = new ProcessApp(p, port, log);
            app.awaitPort(Duration.ofSeconds(60));
            return app;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The classpath the service runs from: the test runner's, or (under exec:java) its class loader's. */
    public static String classpath() {
        if (Thread.currentThread().getContextClassLoader() instanceof java.net.URLClassLoader loader) {
            StringBuilder cp = new StringBuilder();
            for (java.net.URL url : loader.getURLs()) {
                if (cp.length() > 0) {
                    cp.append(File.pathSeparatorChar);
                }
                cp.append(Path.of(java.net.URI.create(url.toString())));
            }
            return cp.toString();
        }
        return System.getProperty("java.class.path");
    }

    /** Runs {@code action} as soon as the process has exited, however it ended. */
    public void onExit(Runnable action) {
        process.onExit().thenRun(action);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    public int httpPort() {
        return httpPort;
    }

    /** The process's peak resident memory so far (VmHWM), in KiB. */
    public long peakRssKib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no VmHWM in /proc status");
    }

    /** SIGTERM, as an orchestrator stops a service; true when the process exited within {@code timeout}. */
    public boolean terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        return process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** SIGTERM without waiting: the test goes on talking to the process while it shuts down. */
    public void signalTerminate() {
        process.destroy();
    }

    /** True when the process exited within {@code timeout}. */
    public boolean waitForExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** SIGKILL: no shutdown hook, no graceful stop. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitPort(Duration timeout) {
        try {
            Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the service exited with " + process.exitValue() + ": " + tail());
                }
                try (Socket s = new Socket("127.0.0.1", httpPort)) {
                    s.close();
                    // 503 "Starting" until the routes exist; a worker-only process answers JSON 404s
                    Reply reply = get("/api/projects");
                    return reply.json() != null && reply.status() != 503;
                } catch (IOException | UncheckedIOException notYet) {
                    return false;
                }
            });
        } catch (RuntimeException e) {
            kill();
            throw new IllegalStateException("the service did not open port " + httpPort + ": " + tail(), e);
        }
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join(File.separator.equals("/") ? "\n" : "\r\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    kill();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill();
            }
        }
    }
}
