package io.commucat.ccp.server.e2e;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Everything the server's own loggers ({@code io.commucat}) write, at every level, while
 * open: for tests that scan the logs for secrets. Warnings and errors still reach standard
 * error as the test configuration prints them.
 */
final class CapturedLogs implements AutoCloseable {

    private final Logger logger = (Logger) LoggerFactory.getLogger("io.commucat");
    private final Level previousLevel = logger.getLevel();
    private final boolean previousAdditivity = logger.isAdditive();
    private final List<String> lines = new ArrayList<>();
    private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            String line = event.getLevel() + " " + event.getLoggerName() + " - " + event.getFormattedMessage()
                    + (event.getThrowableProxy() == null ? "" : "\n" + ThrowableProxyUtil.asString(event.getThrowableProxy()));
            synchronized (lines) {
                lines.add(line);
            }
            if (event.getLevel().isGreaterOrEqual(Level.WARN)) {
                System.err.println(line);
            }
        }
    };

    CapturedLogs() {
        appender.setContext(logger.getLoggerContext());
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.DEBUG);
        logger.setAdditive(false);
    }

    /** What was written so far, one entry per event (message and stack trace). */
    List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        logger.setLevel(previousLevel);
        logger.setAdditive(previousAdditivity);
        appender.stop();
    }
}
