package io.commucat.ccp.client.transport;

import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The frames a device connection sends, from any thread, written by its event loop in batches:
 * what piles up while the loop is busy goes out as one sealed write (one flush) instead of one
 * loop task, one array and one flush per frame. A drain task is scheduled only when the queue goes
 * from empty to non-empty (gRPC-java's {@code WriteQueue} does the same), so a burst of sends from
 * the callback pool costs the loop one task and one wake-up.
 *
 * <p>Order: frames are written in the order their {@link #send} calls entered the queue (from
 * one thread, the call order); an {@link #endUpstream} goes out after every frame queued before
 * it.
 *
 * <p>Back-pressure: a drain writes only while the {@link Sink} is writable (the stream's HTTP/2
 * flow-control window or socket takes more), so what waits in the transport beyond the window is
 * at most one batch; the rest waits here, unsealed, until {@link #resume()} (the stream became
 * writable again). What waits here is bounded too: beyond {@code maxPendingBytes} of frames not
 * yet handed to the transport, {@link #send} refuses with {@link UpstreamFullException} (a frame
 * is always taken when nothing waits, so one frame of any allowed size goes; an Ack always is).
 *
 * <p>Threading: {@link #send} and {@link #endUpstream} from any thread, never blocking; the
 * {@link Sink} and {@link #resume()} are called on the loop only, one drain at a time.
 */
final class FrameOutbox {

    /** Most encoded bytes one write carries; a longer queue goes out in several writes. */
    static final int BATCH_BYTES = 64 * 1024;
    /** Most entries one drain takes before it yields the loop to other channels (it comes back). */
    static final int DRAIN_LIMIT = 1024;

    /** Frames that may wait unwritten by default: two of the largest frames (16 MiB each). */
    static final long DEFAULT_MAX_PENDING_BYTES = 32L * 1024 * 1024;

    /** Where a drain puts the frames; loop only. */
    interface Sink {
        /** Whether a write now goes out without waiting beyond the transport's window; true once the stream ended (writes then fail at once). */
        default boolean writable() {
            return true;
        }

        /** Seals and writes {@code frames} (never empty) with one write; completes when written. */
        CompletableFuture<Void> write(List<Frame> frames);

        /** Ends the upstream after what was written. */
        CompletableFuture<Void> endUpstream();
    }

    /** A frame, or the end of the upstream ({@code frame == null}); {@code written} may be null (nobody waits). */
    private record Entry(Frame frame, CompletableFuture<Void> written) {
    }

    private final Queue<Entry> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Executor loop;
    private final Sink sink;
    private final long maxPendingBytes;
    private final Runnable drain = this::drain;
    /** Encoded bytes of the frames queued and not yet handed to the sink. */
    private final AtomicLong pendingBytes = new AtomicLong();
    /** Set on the loop when a drain stopped for an unwritable sink; senders then leave the waking to {@link #resume()}. */
    private volatile boolean stalled;

    FrameOutbox(Executor loop, Sink sink) {
        this(loop, sink, DEFAULT_MAX_PENDING_BYTES);
    }

    FrameOutbox(Executor loop, Sink sink, long maxPendingBytes) {
        this.loop = loop;
        this.sink = sink;
        this.maxPendingBytes = maxPendingBytes;
    }

    /**
     * Queues {@code frame}.
     *
     * @param written completed when the write carrying the frame is done (or failed), or null
     * @return false when refused: {@code maxPendingBytes} wait already ({@code written} then fails
     *     with {@link UpstreamFullException})
     */
    boolean send(Frame frame, CompletableFuture<Void> written) {
        long length = frame.encodedLength();
        long after = pendingBytes.addAndGet(length);
        // An Ack of a delivery is always taken: it is tiny, and refusing it would hold a slot of
        // the server's delivery window until the next connection.
        if (after > maxPendingBytes && after > length && frame.type() != FrameType.ACK) {
            pendingBytes.addAndGet(-length);
            if (written != null) {
                written.completeExceptionally(new UpstreamFullException(after - length, maxPendingBytes));
            }
            return false;
        }
        offer(new Entry(frame, written));
        return true;
    }

    /** Encoded bytes of the frames sent and not yet handed to the transport. */
    long pendingBytes() {
        return pendingBytes.get();
    }

    /** On the loop: the sink became writable again (or the stream ended); what waits goes on. */
    void resume() {
        stalled = false;
        if (!queue.isEmpty() && scheduled.compareAndSet(false, true)) {
            drain();
        }
    }

    /** Queues the end of the upstream behind the frames queued so far. */
    CompletableFuture<Void> endUpstream() {
        CompletableFuture<Void> ended = new CompletableFuture<>();
        offer(new Entry(null, ended));
        return ended;
    }

    private void offer(Entry entry) {
        queue.add(entry);
        if (!stalled && scheduled.compareAndSet(false, true)) {
            try {
                loop.execute(drain);
            } catch (RejectedExecutionException e) {
                // The loop has stopped: nothing queued will be written.
                scheduled.set(false);
                for (Entry left; (left = queue.poll()) != null; ) {
                    if (left.frame != null) {
                        pendingBytes.addAndGet(-left.frame.encodedLength());
                    }
                    if (left.written != null) {
                        left.written.completeExceptionally(e);
                    }
                }
            }
        }
    }

    /** On the loop: writes what is queued, in batches of at most {@link #BATCH_BYTES}. */
    private void drain() {
        List<Frame> batch = new ArrayList<>();
        List<CompletableFuture<Void>> waiting = new ArrayList<>();
        try {
            int bytes = 0;
            for (int taken = 0; taken < DRAIN_LIMIT; taken++) {
                if (bytes == 0 && !sink.writable()) {
                    stalled = true; // resume() comes once it is writable
                    break;
                }
                Entry entry = queue.poll();
                if (entry == null) {
                    break;
                }
                if (entry.frame != null) {
                    pendingBytes.addAndGet(-entry.frame.encodedLength());
                }
                if (entry.frame == null) {
                    write(batch, waiting);
                    bytes = 0;
                    CompletableFuture<Void> ended;
                    try {
                        ended = sink.endUpstream();
                    } catch (RuntimeException e) {
                        ended = CompletableFuture.failedFuture(e);
                    }
                    relay(ended, List.of(entry.written));
                    continue;
                }
                batch.add(entry.frame);
                if (entry.written != null) {
                    waiting.add(entry.written);
                }
                bytes += entry.frame.encodedLength();
                if (bytes >= BATCH_BYTES) {
                    write(batch, waiting);
                    bytes = 0;
                }
            }
            write(batch, waiting);
        } finally {
            scheduled.set(false);
            // A send that found the flag still set before it was cleared relies on this check.
            if (!stalled && !queue.isEmpty() && scheduled.compareAndSet(false, true)) {
                loop.execute(drain);
            }
        }
    }

    private void write(List<Frame> batch, List<CompletableFuture<Void>> waiting) {
        if (batch.isEmpty()) {
            return;
        }
        CompletableFuture<Void> written;
        try {
            written = sink.write(List.copyOf(batch));
        } catch (RuntimeException e) {
            written = CompletableFuture.failedFuture(e);
        }
        batch.clear();
        if (!waiting.isEmpty()) {
            relay(written, List.copyOf(waiting));
            waiting.clear();
        }
    }

    private static void relay(CompletableFuture<Void> from, List<CompletableFuture<Void>> to) {
        from.whenComplete((ok, error) -> {
            for (CompletableFuture<Void> future : to) {
                if (error == null) {
                    future.complete(null);
                } else {
                    future.completeExceptionally(error);
                }
            }
        });
    }
}
