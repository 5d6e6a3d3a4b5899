package io.commucat.ccp.server.logging;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * One kind of warning that an outage repeats per frame or per session (a route lookup, a
 * presence write): logged at most once per {@link #INTERVAL}, with how many were left out since,
 * so that a node whose Redis or database is away does not spend itself writing logs. The rest
 * go to DEBUG. Thread-safe.
 */
public final class ThrottledWarning {

    public static final Duration INTERVAL = Duration.ofSeconds(10);

    private final Logger log;
    private final LongSupplier nanos;
    private final AtomicLong nextAt;
    private final AtomicLong suppressed = new AtomicLong();

    public ThrottledWarning(Logger log) {
        this(log, System::nanoTime);
    }

    ThrottledWarning(Logger log, LongSupplier nanos) {
        this.log = Objects.requireNonNull(log, "log");
        this.nanos = Objects.requireNonNull(nanos, "nanos");
        this.nextAt = new AtomicLong(nanos.getAsLong());
    }

    /** As {@code log.warn(format, args)}, unless one was logged within the interval. */
    public void warn(String format, Object... args) {
        long now = nanos.getAsLong();
        long due = nextAt.get();
        if (now - due >= 0 && nextAt.compareAndSet(due, now + INTERVAL.toNanos())) {
            long left = suppressed.getAndSet(0);
            log.warn(left == 0 ? format : format + " (and {} like it in the last {} s)",
                    left == 0 ? args : append(args, left, INTERVAL.toSeconds()));
        } else {
            suppressed.incrementAndGet();
            if (log.isDebugEnabled()) {
                log.debug(format, args);
            }
        }
    }

    private static Object[] append(Object[] args, Object... more) {
        Object[] all = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return all;
    }
}
