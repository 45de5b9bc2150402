package routes.config;

import java.util.ArrayDeque;
import java.util.Deque;

import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the configuration opened (the database pool, the broker and its connection, S3 clients, stream endpoints),
 * closed once each, newest first. The context closes them when it stops; but when start-up fails (a bad setting, a
 * broken route file) Camel marks a context that never started as stopped without stopping its services, and a pool
 * would go on opening connections to a database file nobody uses. {@link #closeAfterFailedStart} closes them then.
 */
public final class OpenResources {

    private static final Logger LOG = LoggerFactory.getLogger(OpenResources.class);
    private static final String NAME = "cortexOpenResources";

    private final Deque<Runnable> open = new ArrayDeque<>();

    /** Closes {@code close} when the context stops, or after a failed start, whichever comes first. */
    static void closeWithContext(CamelContext context, Runnable close) throws Exception {
        OpenResources resources = context.getRegistry().lookupByNameAndType(NAME, OpenResources.class);
        if (resources == null) {
            resources = new OpenResources();
            context.getRegistry().bind(NAME, resources);
        }
        Runnable once = resources.add(close);
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                once.run();
            }
        }, true, true);
    }

    /**
     * Closes {@code close} once the context has stopped entirely, after every service (the HTTP server runs on the
     * Vert.x this closes), or after a failed start.
     */
    static void closeAfterContext(CamelContext context, Runnable close) throws Exception {
        OpenResources resources = context.getRegistry().lookupByNameAndType(NAME, OpenResources.class);
        if (resources == null) {
            resources = new OpenResources();
            context.getRegistry().bind(NAME, resources);
        }
        Runnable once = resources.add(close);
        context.getManagementStrategy().addEventNotifier(new org.apache.camel.support.EventNotifierSupport() {
            @Override
            public void notify(org.apache.camel.spi.CamelEvent event) {
                once.run();
            }

            @Override
            public boolean isEnabled(org.apache.camel.spi.CamelEvent event) {
                return event instanceof org.apache.camel.spi.CamelEvent.CamelContextStoppedEvent;
            }
        });
    }

    /** After {@code Main.start()} threw: closes whatever the configuration had opened before the failure. */
    public static void closeAfterFailedStart(CamelContext context) {
        OpenResources resources = context == null ? null
                : context.getRegistry().lookupByNameAndType(NAME, OpenResources.class);
        if (resources != null) {
            resources.closeAll();
        }
    }

    private synchronized Runnable add(Runnable close) {
        Runnable once = new Runnable() {
            private boolean done;

            @Override
            public void run() {
                synchronized (OpenResources.this) {
                    if (done) {
                        return;
                    }
                    done = true;
                    open.remove(this);
                }
                close.run();
            }
        };
        open.push(once);
        return once;
    }

    private void closeAll() {
        while (true) {
            Runnable next;
            synchronized (this) {
                next = open.peek();
            }
            if (next == null) {
                return;
            }
            try {
                next.run();
            } catch (RuntimeException e) {
                LOG.warn("Closing a resource after a failed start failed: {}", e.toString());
            }
        }
    }
}
