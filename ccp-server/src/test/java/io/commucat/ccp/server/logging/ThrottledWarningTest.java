package io.commucat.ccp.server.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** At most one warning per interval, the next one saying how many were left out. */
class ThrottledWarningTest {

    private final Logger logger = (Logger) LoggerFactory.getLogger("io.commucat.test.throttled");
    private final ListAppender<ILoggingEvent> events = new ListAppender<>();
    private final AtomicLong now = new AtomicLong();
    private final ThrottledWarning warning = new ThrottledWarning(logger, now::get);

    @BeforeEach
    void capture() {
        events.start();
        logger.addAppender(events);
        logger.setLevel(Level.INFO);
        logger.setAdditive(false);
    }

    @AfterEach
    void release() {
        logger.detachAppender(events);
    }

    private List<String> warnings() {
        return events.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    @Test
    void aBurstLogsOnce() {
        for (int i = 0; i < 1000; i++) {
            warning.warn("route lookup for {} failed", "device-" + i);
        }

        assertEquals(List.of("route lookup for device-0 failed"), warnings());
    }

    @Test
    void theFirstWarningAfterTheIntervalCountsWhatWasLeftOut() {
        for (int i = 0; i < 5; i++) {
            warning.warn("route lookup for {} failed", "device-" + i);
        }
        now.addAndGet(ThrottledWarning.INTERVAL.toNanos());

        warning.warn("route lookup for {} failed", "device-5");

        assertEquals(List.of("route lookup for device-0 failed",
                "route lookup for device-5 failed (and 4 like it in the last 10 s)"), warnings());
    }
}
