package io.commucat.ccp.server.node;

import io.commucat.ccp.proto.BufferReservations;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node-wide budget ({@code security.quota.node_buffer_bytes}) for bytes that sessions hold
 * in unfinished frames and in frames waiting for storage, shared by every session, so that many
 * peers leaving large frames unfinished cannot exhaust the heap. A refusal ends only the session
 * that asked (or refuses its frame with {@code busy}); it is counted in
 * {@code ccp_buffer_budget_refusals_total} and logged at WARN at most once per
 * {@link #LOG_INTERVAL_NANOS}, with the number of refusals in between. Gauges
 * {@code ccp_buffer_budget_reserved_bytes} and {@code ccp_buffer_budget_limit_bytes}.
 * Thread-safe, lock-free.
 */
public final class NodeBufferBudget implements BufferReservations {

    private static final Logger LOG = LoggerFactory.getLogger(NodeBufferBudget.class);
    /** One WARN line per ten seconds at most, however many sessions are refused. */
    static final long LOG_INTERVAL_NANOS = 10_000_000_000L;

    private final long limit;
    private final AtomicLong reserved = new AtomicLong();
    private final AtomicLong unlogged = new AtomicLong();
    private final AtomicLong nextLog = new AtomicLong(System.nanoTime());
    private final Counter refusals;

    public NodeBufferBudget(long limit, MeterRegistry metrics) {
        if (limit < 1) {
            throw new IllegalArgumentException("the buffer budget must be positive");
        }
        this.limit = limit;
        this.refusals = Counter.builder("ccp.buffer.budget.refusals")
                .description("reservations refused by the node-wide buffer budget (each ends a session or refuses a frame)")
                .register(metrics);
        Gauge.builder("ccp.buffer.budget.reserved.bytes", reserved, AtomicLong::get)
                .description("bytes sessions hold in unfinished frames and queues").register(metrics);
        Gauge.builder("ccp.buffer.budget.limit.bytes", () -> this.limit).register(metrics);
    }

    @Override
    public boolean reserve(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("reserve a positive number of bytes, not " + bytes);
        }
        long now;
        do {
            now = reserved.get();
            if (bytes > limit - now) {
                refused(bytes, now);
                return false;
            }
        } while (!reserved.compareAndSet(now, now + bytes));
        return true;
    }

    @Override
    public void release(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("release a positive number of bytes, not " + bytes);
        }
        if (reserved.addAndGet(-bytes) < 0) {
            // A double release would silently grow the budget: make the bug loud instead.
            throw new IllegalStateException("buffer budget released more than was reserved");
        }
    }

    /** Bytes reserved now. */
    public long reserved() {
        return reserved.get();
    }

    public long limit() {
        return limit;
    }

    private void refused(long bytes, long held) {
        refusals.increment();
        long count = unlogged.incrementAndGet();
        long due = nextLog.get();
        long now = System.nanoTime();
        if (now - due >= 0 && nextLog.compareAndSet(due, now + LOG_INTERVAL_NANOS)) {
            unlogged.addAndGet(-count);
            LOG.warn("buffer budget exhausted: refused {} bytes with {} of {} reserved ({} refusals since the last"
                    + " report); the sessions that asked were ended or told busy", bytes, held, limit, count);
        }
    }
}
