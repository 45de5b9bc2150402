package routes.config;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import routes.api.HttpDrain;
import routes.processing.JobClaims;

/**
 * SIGTERM within CORTEX_SHUTDOWN_GRACE_SECONDS. When the context begins to stop: HTTP stops taking connections and
 * requests and lets those in flight finish ({@link HttpDrain}), running attempts hand their jobs back at their next
 * checkpoint, then Camel's graceful shutdown gets what is left of the grace but a reserve for closing the broker,
 * the database and the parser processes. A watchdog armed by the JVM's own shutdown (the production entry point
 * only, never a test's context) ends the process when the grace is over, whatever is still running: an attempt that
 * did not reach a checkpoint is taken over after its lease. Each step says so in the log.
 */
public final class ShutdownGrace extends MainListenerSupport {

    private static final Logger LOG = LoggerFactory.getLogger(ShutdownGrace.class);
    /** The exit status of a JVM ended by SIGTERM (128 + 15), kept when the watchdog has to end it. */
    private static final int SIGTERM_STATUS = 143;

    private volatile long graceNanos;
    private volatile long startedNanos;
    private volatile CamelContext context;

    @Override
    public void afterConfigure(BaseMainSupport main) {
        CamelContext ctx = main.getCamelContext();
        context = ctx;
        // validated with every other setting by the configuration, which has run by now
        int seconds = Integer.parseInt(ctx.getPropertiesComponent().resolveProperty("cortex.shutdown.grace-seconds")
                .orElseThrow().trim());
        graceNanos = TimeUnit.SECONDS.toNanos(seconds);
        ctx.getShutdownStrategy().setTimeout(seconds);
        ctx.getShutdownStrategy().setTimeUnit(TimeUnit.SECONDS);
        if (main instanceof org.apache.camel.main.MainSupport support) {
            // the hangup hook's own wait: the watchdog bounds the whole shutdown instead
            support.getShutdownStrategy().setExtraShutdownTimeout(1);
        }
        ctx.getManagementStrategy().addEventNotifier(new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                stopping(ctx);
            }

            @Override
            public boolean isEnabled(CamelEvent event) {
                return event instanceof CamelEvent.CamelContextStoppingEvent;
            }
        });
    }

    /** What stopping begins with: no new work, then the grace divided between draining and Camel's shutdown. */
    private void stopping(CamelContext ctx) {
        long now = System.nanoTime();
        if (startedNanos == 0) {
            startedNanos = now;
        }
        long grace = graceNanos;
        // closing the broker, the database pool and the parser processes after the routes: a quarter of the grace,
        // between one and five seconds
        long reserve = Math.max(TimeUnit.SECONDS.toNanos(1), Math.min(TimeUnit.SECONDS.toNanos(5), grace / 4));
        LOG.info("Shutting down within {} s: no new connections or requests, running attempts hand their jobs back",
                TimeUnit.NANOSECONDS.toSeconds(grace));
        JobClaims claims = ctx.getRegistry().lookupByNameAndType("jobClaims", JobClaims.class);
        if (claims != null) {
            claims.stop();
        }
        HttpDrain drain = ctx.getRegistry().lookupByNameAndType("httpDrain", HttpDrain.class);
        if (drain != null) {
            drain.drain(Duration.ofNanos(Math.max(0, startedNanos + grace - reserve - System.nanoTime()) / 2));
        }
        long left = startedNanos + grace - reserve - System.nanoTime();
        ctx.getShutdownStrategy().setTimeUnit(TimeUnit.MILLISECONDS);
        ctx.getShutdownStrategy().setTimeout(Math.max(500, TimeUnit.NANOSECONDS.toMillis(left)));
    }

    @Override
    public void afterStop(BaseMainSupport main) {
        if (startedNanos != 0) {
            LOG.info("Cortex Ingest stopped {} ms after the shutdown began (grace {} s)",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos),
                    TimeUnit.NANOSECONDS.toSeconds(graceNanos));
        }
    }

    /**
     * Arms the watchdog when the JVM begins to shut down (SIGTERM): from then on the process lives at most the grace.
     * Only the production entry point calls this: a test's context in a shared JVM must never end that JVM.
     */
    public void armOnJvmShutdown() {
        Runtime.getRuntime().addShutdownHook(new Thread(this::watch, "cortex-shutdown-grace"));
    }

    private void watch() {
        long grace = graceNanos;
        if (grace == 0 || context == null) {
            return; // the start failed before the settings were read: nothing runs that could hold the exit
        }
        if (startedNanos == 0) {
            startedNanos = System.nanoTime();
        }
        Thread watchdog = new Thread(() -> {
            // a quarter second short of the grace: the exit itself takes a moment
            long until = startedNanos + grace - TimeUnit.MILLISECONDS.toNanos(250);
            while (System.nanoTime() < until) {
                java.util.concurrent.locks.LockSupport.parkNanos(until - System.nanoTime());
            }
            LOG.warn("Shutdown did not finish within its grace of {} s (CORTEX_SHUTDOWN_GRACE_SECONDS): exiting now;"
                    + " an attempt that did not hand its job back is taken over after its lease",
                    TimeUnit.NANOSECONDS.toSeconds(grace));
            Runtime.getRuntime().halt(SIGTERM_STATUS);
        }, "cortex-shutdown-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }
}
