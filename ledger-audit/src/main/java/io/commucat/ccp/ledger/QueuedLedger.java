package io.commucat.ccp.ledger;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Hands events from any thread to one writer thread that owns the {@link LedgerSink}.
 *
 * <p>Queue policy — never drop, never block an event loop: the queue itself is unbounded and
 * FIFO; {@code capacity} permits bound how many events may wait. A caller takes a permit; when
 * none is left, a thread that may wait blocks until the writer frees one, while a thread the
 * {@link QueueOptions#nonBlocking()} predicate names (an event loop) enqueues its event anyway
 * and it is counted as overflow. One FIFO queue keeps each thread's events in the order it
 * appended them. Overflow is bounded in practice by how fast event loops produce audit events;
 * {@link LedgerStats#overflowed()} is there to watch it.
 *
 * <p>Group commit: the writer takes up to {@code maxBatch} waiting events, seals and writes
 * them, commits once (one write, one fsync under {@link FsyncPolicy#BATCH}), then completes
 * their futures. If the sink fails, that batch and everything after fail with {@code
 * WRITE_FAILED}; the ledger does not retry into a file in an unknown state.
 */
public final class QueuedLedger implements Ledger {

    private record Pending(LedgerEvent event, CompletableFuture<Receipt> done, boolean permitted) {
    }

    private static final Pending STOP = new Pending(null, null, false);

    private final LedgerSink sink;
    private final QueueOptions options;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Semaphore permits;
    /** Appends hold the read side, close the write side: nothing slips in behind the STOP marker. */
    private final ReadWriteLock closing = new ReentrantReadWriteLock();
    private final Thread writer;
    private final LongAdder appended = new LongAdder();
    private final LongAdder written = new LongAdder();
    private final LongAdder failedCount = new LongAdder();
    private final LongAdder overflowed = new LongAdder();

    private boolean closed;
    private volatile Throwable failure;

    private QueuedLedger(LedgerSink sink, QueueOptions options) {
        this.sink = sink;
        this.options = options;
        this.permits = new Semaphore(options.capacity());
        this.writer = new Thread(this::run, options.threadName());
        writer.setDaemon(true);
    }

    public static QueuedLedger start(LedgerSink sink, QueueOptions options) {
        QueuedLedger ledger = new QueuedLedger(sink, options);
        ledger.writer.start();
        return ledger;
    }

    @Override
    public CompletableFuture<Receipt> append(LedgerEvent event) {
        java.util.Objects.requireNonNull(event, "event");
        CompletableFuture<Receipt> done = new CompletableFuture<>();
        closing.readLock().lock();
        try {
            if (closed) {
                done.completeExceptionally(new LedgerException(LedgerException.Kind.CLOSED, "the ledger is closed", null));
                return done;
            }
            queue.add(new Pending(event, done, admit()));
            appended.increment();
        } finally {
            closing.readLock().unlock();
        }
        return done;
    }

    /** Takes a permit, waiting only if this thread may wait; false means admitted over capacity. */
    private boolean admit() {
        if (permits.tryAcquire()) {
            return true;
        }
        if (!options.nonBlocking().test(Thread.currentThread())) {
            try {
                permits.acquire();
                return true;
            } catch (InterruptedException e) {
                // Interrupted while waiting: still write the event, keep the interrupt for the caller.
                Thread.currentThread().interrupt();
            }
        }
        overflowed.increment();
        return false;
    }

    @Override
    public LedgerStats stats() {
        return new LedgerStats(appended.sum(), written.sum(), failedCount.sum(), overflowed.sum(), queue.size());
    }

    @Override
    public void close() throws LedgerException {
        closing.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            queue.add(STOP);
        } finally {
            closing.writeLock().unlock();
        }
        boolean interrupted = false;
        while (writer.isAlive()) {
            try {
                writer.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            throw new LedgerException(LedgerException.Kind.WRITE_FAILED, "the ledger failed: " + failure, failure);
        }
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(options.maxBatch());
        boolean stopping = false;
        while (!stopping) {
            batch.clear();
            batch.add(takeUninterruptibly());
            queue.drainTo(batch, options.maxBatch() - 1);
            if (batch.get(batch.size() - 1) == STOP) {
                batch.remove(batch.size() - 1);
                stopping = true;
            }
            process(batch);
        }
        try {
            sink.close();
        } catch (Exception e) {
            if (failure == null) {
                failure = e;
            }
        }
    }

    private void process(List<Pending> batch) {
        if (batch.isEmpty()) {
            return;
        }
        List<Receipt> receipts = new ArrayList<>(batch.size());
        if (failure == null) {
            try {
                for (Pending pending : batch) {
                    receipts.add(sink.append(pending.event()));
                }
                sink.commit();
            } catch (Exception | Error e) {
                failure = e;
            }
        }
        for (int i = 0; i < batch.size(); i++) {
            Pending pending = batch.get(i);
            // Count before completing: a caller that saw its future complete must see it counted.
            if (failure == null) {
                written.increment();
                pending.done().complete(receipts.get(i));
            } else {
                failedCount.increment();
                pending.done().completeExceptionally(new LedgerException(LedgerException.Kind.WRITE_FAILED,
                        "not written: the ledger failed: " + failure, failure));
            }
            if (pending.permitted()) {
                permits.release();
            }
        }
    }

    /** STOP is the last thing ever queued (close holds the write lock), so it ends the batch it is in. */
    private Pending takeUninterruptibly() {
        while (true) {
            try {
                return queue.take();
            } catch (InterruptedException e) {
                // Only close() ends the writer, so that accepted events are never abandoned.
            }
        }
    }
}
