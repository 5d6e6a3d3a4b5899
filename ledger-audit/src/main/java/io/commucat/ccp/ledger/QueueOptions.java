package io.commucat.ccp.ledger;

import java.util.Objects;
import java.util.function.Predicate;

/**
 * How {@link QueuedLedger} hands events to its writer thread.
 *
 * @param capacity events that may wait for the writer before callers are held back
 * @param maxBatch events the writer takes at once and commits together (group commit)
 * @param nonBlocking threads that must never wait (Netty event loops): when the queue is full
 *     their events go in anyway, over capacity, and are counted in {@link LedgerStats#overflowed()}
 * @param threadName name of the writer thread
 */
public record QueueOptions(int capacity, int maxBatch, Predicate<Thread> nonBlocking, String threadName) {

    public static final int DEFAULT_CAPACITY = 8192;
    public static final int DEFAULT_MAX_BATCH = 1024;

    public QueueOptions {
        if (capacity < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("capacity and maxBatch must be positive");
        }
        Objects.requireNonNull(nonBlocking, "nonBlocking");
        Objects.requireNonNull(threadName, "threadName");
    }

    /**
     * Defaults in which every thread may wait; a server passes its event-loop test with
     * {@link #withNonBlocking} (for Netty: {@code t -> t instanceof FastThreadLocalThread}).
     */
    public static QueueOptions defaults() {
        return new QueueOptions(DEFAULT_CAPACITY, DEFAULT_MAX_BATCH, thread -> false, "ccp-ledger-writer");
    }

    public QueueOptions withCapacity(int newCapacity) {
        return new QueueOptions(newCapacity, maxBatch, nonBlocking, threadName);
    }

    public QueueOptions withMaxBatch(int newMaxBatch) {
        return new QueueOptions(capacity, newMaxBatch, nonBlocking, threadName);
    }

    public QueueOptions withNonBlocking(Predicate<Thread> threads) {
        return new QueueOptions(capacity, maxBatch, threads, threadName);
    }
}
