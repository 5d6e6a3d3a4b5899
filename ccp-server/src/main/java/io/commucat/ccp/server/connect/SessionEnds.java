package io.commucat.ccp.server.connect;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The ends of this node's established sessions, waiting for the {@link SessionEndRecorder} to
 * record them in batches: at most {@link #capacity()} at once. Thread-safe; {@link #offer} never
 * blocks (it runs on event loops).
 */
public final class SessionEnds {

    /**
     * Ends waiting at most: a node's every session (the 100 000-idle-session run) ending at once,
     * some ten megabytes. Beyond, storage is far behind and an end is recorded on its own.
     */
    static final int DEFAULT_CAPACITY = 100_000;

    /**
     * One established session's end.
     *
     * @param current whether it was still its device's session on this node when it ended (a
     *     replaced one leaves presence to its successor)
     */
    record Ended(String deviceId, boolean current, Instant endedAt) {
    }

    private final BlockingQueue<Ended> pending;
    private final int capacity;
    private volatile boolean closed;

    public SessionEnds() {
        this(DEFAULT_CAPACITY);
    }

    SessionEnds(int capacity) {
        this.capacity = capacity;
        this.pending = new LinkedBlockingQueue<>(capacity);
    }

    /**
     * Queues {@code end}; false when it cannot wait here (full, or the recorder has stopped) and
     * the caller must record it itself.
     */
    boolean offer(Ended end) {
        return !closed && pending.offer(end);
    }

    /**
     * Waits up to {@code timeout} for an end, then takes it and up to {@code max - 1} more that
     * are waiting already (empty after the timeout).
     */
    List<Ended> take(int max, long timeout, TimeUnit unit) throws InterruptedException {
        Ended first = pending.poll(timeout, unit);
        if (first == null) {
            return List.of();
        }
        List<Ended> batch = new ArrayList<>(Math.min(max, 1 + pending.size()));
        batch.add(first);
        pending.drainTo(batch, max - 1);
        return batch;
    }

    /** From now on {@link #offer} refuses: nothing would take what it queued. */
    void close() {
        closed = true;
    }

    /** Ends waiting now. */
    public int size() {
        return pending.size();
    }

    public int capacity() {
        return capacity;
    }
}
