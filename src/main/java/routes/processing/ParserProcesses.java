package routes.processing;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tika's parsers run in child JVMs, not in the service: a pool of {@link ParserProcess}es, each with its own heap
 * limit, and a time limit per document. A parser bomb (a small PDF whose page needs gigabytes, or a parse that
 * loops) ends one child process and fails one job; every other job of the service goes on. A child that died is
 * replaced by a new one for the next document; an idle child waits for the next document (no start-up per file).
 *
 * <p>Tika's own {@code ForkParser} was tried first: in its class-path mode it cannot read a parser's exception back
 * (every broken document looked like a crash), and in its class-loading mode a parser that ran out of memory
 * answered with empty text instead of failing. The protocol here is four fields in and a status out.
 */
public final class ParserProcesses implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ParserProcesses.class);

    /** What a child answered. */
    sealed interface Answer {
    }

    record Text(String text, String title) implements Answer {
    }

    record TooLong() implements Answer {
    }

    record Broken(String message) implements Answer {
    }

    /** The child ended before it answered: out of memory, or killed at its time limit ({@code timedOut}). */
    record Died(boolean timedOut, Duration after) implements Answer {
    }

    private final List<String> command;
    private final Duration timeout;
    private final int memoryMb;
    private final Semaphore slots;
    private final LinkedBlockingDeque<Child> idle = new LinkedBlockingDeque<>();
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "parser-watchdog");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;

    public ParserProcesses(int processes, int memoryMb, Duration timeout) {
        this.timeout = timeout;
        this.memoryMb = memoryMb;
        this.slots = new Semaphore(processes);
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new java.util.ArrayList<>(List.of(java, "-Xmx" + memoryMb + "m",
                "-XX:+ExitOnOutOfMemoryError", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true"));
        // a logging configuration given to the service is the parsers' too (their lines join its log)
        String logging = System.getProperty("log4j2.configurationFile");
        if (logging != null) {
            command.add("-Dlog4j2.configurationFile=" + logging);
        }
        command.addAll(List.of("-cp", classPath(), ParserProcess.class.getName()));
        this.command = List.copyOf(command);
    }

    /**
     * The class path this class was loaded from: the JVM's (the runnable jar, a test run), or, when a plugin loaded
     * the service into a host JVM (exec:java for the benchmarks), its class loader's.
     */
    private static String classPath() {
        if (ParserProcesses.class.getClassLoader() instanceof java.net.URLClassLoader loader) {
            StringBuilder cp = new StringBuilder();
            for (java.net.URL url : loader.getURLs()) {
                try {
                    cp.append(cp.length() > 0 ? java.io.File.pathSeparator : "").append(Path.of(url.toURI()));
                } catch (java.net.URISyntaxException | IllegalArgumentException e) {
                    // not a file: the child does without it
                }
            }
            return cp.toString();
        }
        return System.getProperty("java.class.path");
    }

    public Duration timeout() {
        return timeout;
    }

    public int memoryMb() {
        return memoryMb;
    }

    /** Parses one document in a child process; waits for a free one when all are busy. */
    Answer parse(Path file, String mimeType, String name, int maxChars) {
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JobStopped("interrupted while waiting for a parser process");
        }
        Child child = null;
        try {
            child = idle.pollFirst();
            if (child == null || !child.process.isAlive()) {
                child = start();
            }
            Answer answer = child.parse(file, mimeType, name, maxChars);
            if (!(answer instanceof Died) && !closed) {
                idle.offerFirst(child);
                child = null;
            }
            return answer;
        } finally {
            if (child != null) {
                child.process.destroyForcibly();
            }
            slots.release();
        }
    }

    /** A new child, once it has loaded its parsers (the time limit of a document does not include that). */
    private Child start() {
        Process process = null;
        try {
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            Child child = new Child(process);
            Process starting = process;
            ScheduledFuture<?> startLimit = watchdog.schedule(starting::destroyForcibly, 2, TimeUnit.MINUTES);
            try {
                if (child.in.readByte() != ParserProcess.READY) {
                    throw new IOException("unexpected first answer");
                }
            } finally {
                startLimit.cancel(false);
            }
            return child;
        } catch (IOException e) {
            if (process != null) {
                process.destroyForcibly();
            }
            throw new UncheckedIOException("cannot start a parser process", e);
        }
    }

    @Override
    public void close() {
        closed = true;
        List<Child> children = new ArrayList<>();
        idle.drainTo(children);
        children.forEach(c -> c.process.destroyForcibly());
        watchdog.shutdownNow();
    }

    private final class Child {
        final Process process;
        final DataOutputStream out;
        final DataInputStream in;

        Child(Process process) {
            this.process = process;
            this.out = new DataOutputStream(new BufferedOutputStream(process.getOutputStream()));
            this.in = new DataInputStream(new BufferedInputStream(process.getInputStream()));
        }

        Answer parse(Path file, String mimeType, String name, int maxChars) {
            long start = System.nanoTime();
            AtomicBoolean timedOut = new AtomicBoolean();
            ScheduledFuture<?> deadline = watchdog.schedule(() -> {
                timedOut.set(true);
                process.destroyForcibly();
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
            try {
                out.writeUTF(file.toAbsolutePath().toString());
                out.writeUTF(mimeType);
                out.writeUTF(name);
                out.writeInt(maxChars);
                out.flush();
                int status = in.readByte();
                return switch (status) {
                    case ParserProcess.TEXT -> {
                        String title = in.readUTF();
                        byte[] text = new byte[in.readInt()];
                        in.readFully(text);
                        yield new Text(new String(text, StandardCharsets.UTF_8), title);
                    }
                    case ParserProcess.TOO_LONG -> new TooLong();
                    case ParserProcess.BROKEN -> new Broken(in.readUTF());
                    default -> throw new IOException("unknown answer " + status);
                };
            } catch (IOException e) {
                Duration after = Duration.ofNanos(System.nanoTime() - start);
                process.destroyForcibly();
                LOG.warn("A parser process ended while parsing {} after {} ms ({})", name, after.toMillis(),
                        timedOut.get() ? "its time limit" : "out of memory or crashed");
                return new Died(timedOut.get(), after);
            } finally {
                deadline.cancel(false);
            }
        }
    }
}
