package routes.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/** The log events of this JVM while open, for tests about what the service logs (and how often). */
public final class LogCapture extends AbstractAppender implements AutoCloseable {

    /** One event: its level, logger, formatted message and whether it carried a stack trace. */
    public record Line(Level level, String logger, String message, boolean stackTrace) {
    }

    private final List<Line> lines = new CopyOnWriteArrayList<>();

    private LogCapture() {
        super("test-capture-" + System.nanoTime(), null, null, true, Property.EMPTY_ARRAY);
    }

    public static LogCapture open() {
        LogCapture capture = new LogCapture();
        capture.start();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().addAppender(capture, Level.ALL, null);
        context.updateLoggers();
        return capture;
    }

    @Override
    public void append(LogEvent event) {
        lines.add(new Line(event.getLevel(), event.getLoggerName(), event.getMessage().getFormattedMessage(),
                event.getThrown() != null));
    }

    public List<Line> lines() {
        return List.copyOf(lines);
    }

    /** The events at {@code level} or more severe. */
    public List<Line> atLeast(Level level) {
        return lines.stream().filter(l -> l.level().isMoreSpecificThan(level)).toList();
    }

    public void clear() {
        lines.clear();
    }

    @Override
    public void close() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().removeAppender(getName());
        context.updateLoggers();
        stop();
    }
}
