package routes.support;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;

/**
 * PostgreSQL with pgvector for the tests, where the machine's PostgreSQL has no pgvector package: PGlite (PostgreSQL
 * 18 compiled to WebAssembly) with its pgvector extension, served over the PostgreSQL wire protocol by
 * {@code @electric-sql/pglite-socket}, as a separate Node.js process on a free loopback port. The npm packages, at
 * pinned versions, are installed into target/pglite on first use (npm's registry).
 * <p>
 * PGlite is one session that the socket server shares between connections (a transaction holds it until it ends),
 * so the JDBC URL asks for the simple query protocol: each statement one message, where the extended protocol's
 * parse, bind and execute of two connections would interleave on the one session's unnamed statement. Without Node.js and npm the tests that need it say so loudly and do not run; with
 * CORTEX_PGVECTOR_TESTS=required (CI) they fail.
 */
public final class PgliteServer implements AutoCloseable {

    static final List<String> PACKAGES = List.of("@electric-sql/pglite@0.5.15", "@electric-sql/pglite-socket@0.2.18",
            "@electric-sql/pglite-pgvector@0.0.16");
    static final Path HOME = Path.of("target", "pglite").toAbsolutePath();

    private final Process process;
    private final int port;

    private PgliteServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts a fresh in-memory server, or aborts (fails, when required) the calling test class, saying why. */
    public static PgliteServer startOrAbort(Path dir) {
        try {
            install();
            return start(dir);
        } catch (RuntimeException | IOException e) {
            String message = "PGVECTOR TESTS NOT RUN: PGlite with pgvector did not start (" + e.getMessage() + ");"
                    + " they need Node.js and npm's registry, and do not count as passed";
            System.err.println("\n!!!!! " + message + " !!!!!\n");
            if ("required".equals(System.getenv("CORTEX_PGVECTOR_TESTS"))) {
                throw new IllegalStateException(message, e);
            }
            Assumptions.abort(message);
            throw new AssertionError("unreachable");
        }
    }

    private static synchronized void install() throws IOException {
        Path server = HOME.resolve("node_modules/@electric-sql/pglite-socket/dist/scripts/server.js");
        if (Files.exists(server)) {
            return;
        }
        Files.createDirectories(HOME);
        Files.writeString(HOME.resolve("package.json"), "{\"name\": \"cortex-pglite\", \"private\": true}\n");
        Path log = HOME.resolve("npm-install.log");
        List<String> command = new java.util.ArrayList<>(List.of("npm", "install", "--no-audit", "--no-fund",
                "--save-exact"));
        command.addAll(PACKAGES);
        Process npm = new ProcessBuilder(command).directory(HOME.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        try {
            if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
                npm.destroyForcibly();
                throw new IllegalStateException("npm install failed: " + Files.readString(log));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while installing PGlite", e);
        }
    }

    private static PgliteServer start(Path dir) throws IOException {
        int port = TestApp.freePort();
        Path log = dir.resolve("pglite-" + port + ".log");
        Process p = new ProcessBuilder("node",
                HOME.resolve("node_modules/@electric-sql/pglite-socket/dist/scripts/server.js").toString(),
                "--db=memory://", "--host=127.0.0.1", "--port=" + port, "--max-connections=32",
                "--extensions=@electric-sql/pglite-pgvector:vector")
                .directory(HOME.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PgliteServer server = new PgliteServer(p, port);
        try {
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                if (!p.isAlive()) {
                    throw new IllegalStateException("PGlite exited: " + Files.readString(log));
                }
                try (Socket s = new Socket("127.0.0.1", port)) {
                    return true;
                } catch (IOException notYet) {
                    return false;
                }
            });
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** The JDBC URL of its one database (PGlite has no CREATE DATABASE: one server per test class). */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres&password=postgres&sslmode=disable"
                + "&preferQueryMode=simple";
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
