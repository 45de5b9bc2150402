package routes.processing;

import routes.job.JobStage;

/**
 * The test switches ({@code cortex.testing.*}), bound only when one of them is set: fail the first N attempts of
 * every job with a transient error as they fetch; pause at the start of every stage; pause before every file of a
 * tree; end the whole process (as a crash would) when an attempt of a job whose file name has a marker fetches;
 * and log every attempt's start and end with the machine's monotonic clock. They let tests watch retries, cancels
 * and crashes happen while a worker works, and check that no job ever ran twice at once.
 */
public final class FaultInjection implements StageHook {

    private final int failAttempts;
    private final long stageDelayMillis;
    private final long fileDelayMillis;
    private final String exitMarker;
    private final java.nio.file.Path attemptLog;

    public FaultInjection(int failAttempts, long stageDelayMillis, long fileDelayMillis) {
        this(failAttempts, stageDelayMillis, fileDelayMillis, "", null);
    }

    /**
     * @param exitMarker a job whose original file name contains it halts this process at its fetch (empty: never)
     * @param attemptLog where each attempt's start and end are appended (null: nowhere)
     */
    public FaultInjection(int failAttempts, long stageDelayMillis, long fileDelayMillis, String exitMarker,
            java.nio.file.Path attemptLog) {
        this.failAttempts = failAttempts;
        this.stageDelayMillis = stageDelayMillis;
        this.fileDelayMillis = fileDelayMillis;
        this.exitMarker = exitMarker;
        this.attemptLog = attemptLog;
    }

    /** Whether any switch is on: without one, no fault injection is bound at all. */
    public boolean active() {
        return failAttempts > 0 || stageDelayMillis > 0 || fileDelayMillis > 0 || !exitMarker.isEmpty()
                || attemptLog != null;
    }

    @Override
    public void attemptStarted(JobRun run) {
        log("start", run);
    }

    @Override
    public void afterAttempt(JobRun run) {
        log("end", run);
    }

    /** One line per event; System.nanoTime is the machine's monotonic clock, comparable across processes here. */
    private synchronized void log(String event, JobRun run) {
        if (attemptLog == null) {
            return;
        }
        String line = event + " " + run.job().id() + " " + run.attempt() + " " + System.nanoTime() + "\n";
        try {
            java.nio.file.Files.writeString(attemptLog, line, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot write the attempt log " + attemptLog, e);
        }
    }

    @Override
    public void beforeStage(JobRun run, JobStage stage) {
        if (stage == JobStage.FETCH && !exitMarker.isEmpty() && run.job().originalFilename() != null
                && run.job().originalFilename().contains(exitMarker)) {
            // a crash, not a shutdown: no hook, no hand-back, no outcome recorded
            Runtime.getRuntime().halt(137);
        }
        pause(stageDelayMillis);
        if (stage == JobStage.FETCH && run.job().attempts() <= failAttempts) {
            throw new IllegalStateException("Simulated transient failure of attempt " + run.job().attempts()
                    + " (cortex.testing.fail-attempts)");
        }
    }

    @Override
    public void beforeFile(JobRun run) {
        pause(fileDelayMillis);
    }

    /**
     * Work that an interrupt does not stop, as work in native code or a busy parser is not stopped by one (a forced
     * shutdown interrupts): the attempt goes on to its next checkpoint. The interrupt is kept for whoever looks next.
     */
    private static void pause(long millis) {
        if (millis == 0) {
            return;
        }
        long until = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(millis);
        boolean interrupted = false;
        for (long left; (left = until - System.nanoTime()) > 0; ) {
            java.util.concurrent.locks.LockSupport.parkNanos(left);
            interrupted |= Thread.interrupted();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
