package routes.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.awaitility.Awaitility;

/**
 * An Artemis broker in a process of its own ({@link BrokerProcess}) on a fixed port and journal: killed with
 * SIGKILL and started again, it keeps what it had; the service reaches it as an external broker.
 */
public final class BrokerServer implements AutoCloseable {

    private final Path dir;
    private final int port;
    private Process process;

    public BrokerServer(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /** Starts the broker and waits until its acceptor answers. */
    public BrokerServer start() {
        try {
            Path log = dir.resolve("broker-" + System.nanoTime() + ".log");
            process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-cp", System.getProperty("java.class.path"), BrokerProcess.class.getName(),
                    dir.resolve("broker").toString(), String.valueOf(port))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the broker exited: " + Files.readString(log));
                }
                try (var s = new java.net.Socket("127.0.0.1", port)) {
                    return true;
                } catch (IOException notYet) {
                    return false;
                }
            });
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** kill -9. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    @Override
    public void close() {
        if (process != null) {
            process.destroyForcibly();
        }
    }
}
