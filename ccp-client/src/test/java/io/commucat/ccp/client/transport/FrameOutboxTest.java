package io.commucat.ccp.client.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FrameOutboxTest {

    private final ExecutorService loop = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-loop"));
    private final AtomicInteger drainTasks = new AtomicInteger();
    private final RecordingSink sink = new RecordingSink();
    private final FrameOutbox outbox = new FrameOutbox(task -> {
        drainTasks.incrementAndGet();
        loop.execute(task);
    }, sink);

    @AfterEach
    void stopLoop() {
        loop.shutdownNow();
    }

    /** Writes as the loop sees them: a batch of frames, or "end". */
    private static final class RecordingSink implements FrameOutbox.Sink {
        final List<Object> writes = new ArrayList<>(); // loop only: read after idle() or on the loop
        volatile boolean offLoop;
        volatile CompletableFuture<Void> nextResult;
        volatile boolean writable = true;

        @Override
        public boolean writable() {
            return writable;
        }

        @Override
        public CompletableFuture<Void> write(List<Frame> frames) {
            check();
            writes.add(List.copyOf(frames));
            CompletableFuture<Void> result = nextResult;
            return result != null ? result : CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> endUpstream() {
            check();
            writes.add("end");
            return CompletableFuture.completedFuture(null);
        }

        private void check() {
            if (!Thread.currentThread().getName().equals("test-loop")) {
                offLoop = true;
            }
        }

        List<Frame> frames() {
            List<Frame> all = new ArrayList<>();
            for (Object write : writes) {
                if (write instanceof List<?> batch) {
                    batch.forEach(f -> all.add((Frame) f));
                }
            }
            return all;
        }
    }

    private static Frame msg(long sequence) {
        return Frame.opaque(FrameType.MSG, 1, sequence, new byte[] {(byte) sequence});
    }

    /** Holds the loop until the returned latch is counted down. */
    private CountDownLatch busyLoop() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch busy = new CountDownLatch(1);
        loop.execute(() -> {
            busy.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(busy.await(10, TimeUnit.SECONDS));
        return release;
    }

    /** Waits until every task queued on the loop so far has run. */
    /** The frames written so far, read on the loop: senders on other threads may be draining right now. */
    private List<Frame> framesOnLoop() throws Exception {
        return loop.submit(sink::frames).get(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    private void idle() throws Exception {
        loop.submit(() -> { }).get(10, TimeUnit.SECONDS);
    }

    @Test
    void framesSentWhileTheLoopIsBusyGoOutAsOneWriteFromOneTask() throws Exception {
        CountDownLatch release = busyLoop();
        for (int i = 0; i < 5; i++) {
            outbox.send(msg(i), null);
        }
        release.countDown();
        idle();
        assertEquals(1, drainTasks.get(), "one drain task for the burst");
        assertEquals(List.of(List.of(msg(0), msg(1), msg(2), msg(3), msg(4))), sink.writes);
        assertTrue(!sink.offLoop, "the sink runs on the loop only");
    }

    @Test
    void framesKeepTheirOrderAcrossManyDrains() throws Exception {
        List<Frame> sent = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            Frame frame = msg(i);
            sent.add(frame);
            outbox.send(frame, null);
        }
        idle();
        idle(); // a drain that hit its limit queued another
        while (framesOnLoop().size() < sent.size()) {
            idle();
        }
        assertEquals(sent, framesOnLoop());
    }

    @Test
    void eachSendersFramesKeepTheirOrderWhenSendersRace() throws Exception {
        int senders = 4;
        int each = 2_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            long channel = s + 1;
            Thread t = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    outbox.send(Frame.opaque(FrameType.MSG, channel, i, new byte[0]), null);
                }
            });
            t.start();
            threads.add(t);
        }
        start.countDown();
        for (Thread t : threads) {
            t.join(10_000);
        }
        while (framesOnLoop().size() < senders * each) {
            idle();
        }
        long[] next = new long[senders + 1];
        for (Frame frame : framesOnLoop()) {
            assertEquals(next[(int) frame.channelId()]++, frame.sequence(), "in send order per sender");
        }
    }

    @Test
    void theEndOfTheUpstreamFollowsEveryFrameQueuedBeforeIt() throws Exception {
        CountDownLatch release = busyLoop();
        outbox.send(msg(1), null);
        outbox.send(msg(2), null);
        CompletableFuture<Void> ended = outbox.endUpstream();
        outbox.send(msg(3), null);
        release.countDown();
        idle();
        assertEquals(List.of(List.of(msg(1), msg(2)), "end", List.of(msg(3))), sink.writes);
        ended.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aBatchIsCutAtItsByteLimit() throws Exception {
        int size = FrameOutbox.BATCH_BYTES / 2;
        CountDownLatch release = busyLoop();
        for (int i = 0; i < 5; i++) {
            outbox.send(Frame.opaque(FrameType.MSG, 1, i, new byte[size]), null);
        }
        release.countDown();
        idle();
        assertEquals(3, sink.writes.size(), "two frames reach the limit: 2 + 2 + 1");
        assertEquals(5, framesOnLoop().size());
    }

    @Test
    void everyFutureOfABatchCompletesWithItsWrite() throws Exception {
        CompletableFuture<Void> write = new CompletableFuture<>();
        sink.nextResult = write;
        CountDownLatch release = busyLoop();
        CompletableFuture<Void> a = new CompletableFuture<>();
        CompletableFuture<Void> b = new CompletableFuture<>();
        outbox.send(msg(1), a);
        outbox.send(msg(2), null);
        outbox.send(msg(3), b);
        release.countDown();
        idle();
        assertTrue(!a.isDone() && !b.isDone(), "not before the write is done");
        IllegalStateException broken = new IllegalStateException("the stream is gone");
        write.completeExceptionally(broken);
        assertSame(broken, assertThrows(ExecutionException.class, () -> a.get(1, TimeUnit.SECONDS)).getCause());
        assertSame(broken, assertThrows(ExecutionException.class, () -> b.get(1, TimeUnit.SECONDS)).getCause());
    }

    @Test
    void aSinkThatThrowsFailsTheBatchAndTheNextBatchStillGoesOut() throws Exception {
        FrameOutbox.Sink throwing = new FrameOutbox.Sink() {
            int calls;

            @Override
            public CompletableFuture<Void> write(List<Frame> frames) {
                if (calls++ == 0) {
                    throw new IllegalStateException("boom");
                }
                return sink.write(frames);
            }

            @Override
            public CompletableFuture<Void> endUpstream() {
                return sink.endUpstream();
            }
        };
        FrameOutbox box = new FrameOutbox(loop, throwing);
        CompletableFuture<Void> first = new CompletableFuture<>();
        box.send(msg(1), first);
        idle();
        assertThrows(ExecutionException.class, () -> first.get(1, TimeUnit.SECONDS));
        CompletableFuture<Void> second = new CompletableFuture<>();
        box.send(msg(2), second);
        second.get(10, TimeUnit.SECONDS);
        assertEquals(List.of(List.of(msg(2))), sink.writes);
    }

    @Test
    void anEndOfUpstreamThatThrowsFailsItsFutureAndLaterFramesStillGoOut() throws Exception {
        FrameOutbox box = new FrameOutbox(loop, new FrameOutbox.Sink() {
            @Override
            public CompletableFuture<Void> write(List<Frame> frames) {
                return sink.write(frames);
            }

            @Override
            public CompletableFuture<Void> endUpstream() {
                throw new IllegalStateException("boom");
            }
        });
        CompletableFuture<Void> ended = box.endUpstream();
        assertThrows(ExecutionException.class, () -> ended.get(10, TimeUnit.SECONDS));
        CompletableFuture<Void> after = new CompletableFuture<>();
        box.send(msg(1), after);
        after.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aStoppedLoopFailsTheFrameInsteadOfKeepingIt() {
        FrameOutbox box = new FrameOutbox(task -> {
            throw new RejectedExecutionException("stopped");
        }, sink);
        CompletableFuture<Void> written = new CompletableFuture<>();
        box.send(msg(1), written);
        assertTrue(written.isCompletedExceptionally());
        CompletableFuture<Void> again = new CompletableFuture<>();
        box.send(msg(2), again);
        assertTrue(again.isCompletedExceptionally(), "and the next one too: nothing is left scheduled");
    }

    // ---- back-pressure: the transport's writability and the pending-bytes bound ----

    @Test
    void nothingIsWrittenWhileTheSinkIsNotWritable() throws Exception {
        sink.writable = false;

        outbox.send(msg(1), null);
        outbox.send(msg(2), null);
        idle();

        assertEquals(List.of(), sink.writes);
        assertEquals(msg(1).encodedLength() + msg(2).encodedLength(), outbox.pendingBytes());
    }

    @Test
    void whatWaitedGoesOutInOrderOnceTheSinkIsWritableAgain() throws Exception {
        sink.writable = false;
        CompletableFuture<Void> first = new CompletableFuture<>();
        outbox.send(msg(1), first);
        outbox.send(msg(2), null);
        idle();

        sink.writable = true;
        loop.submit(outbox::resume).get(10, TimeUnit.SECONDS);

        first.get(10, TimeUnit.SECONDS);
        assertEquals(List.of(msg(1), msg(2)), framesOnLoop());
        assertEquals(0, outbox.pendingBytes());
    }

    @Test
    void sendsWhileStalledScheduleNoDrainTasks() throws Exception {
        sink.writable = false;
        outbox.send(msg(1), null);
        idle();
        int tasks = drainTasks.get();

        for (int i = 2; i < 100; i++) {
            outbox.send(msg(i), null);
        }
        idle();

        assertEquals(tasks, drainTasks.get(), "the loop is not woken per send while the transport is full");
    }

    @Test
    void beyondThePendingBoundASendFailsWithATypedErrorAndNothingIsQueued() throws Exception {
        sink.writable = false;
        long bound = 3L * msg(1).encodedLength();
        FrameOutbox box = new FrameOutbox(loop, sink, bound);
        for (int i = 0; i < 3; i++) {
            assertTrue(box.send(msg(i), null));
        }

        CompletableFuture<Void> refused = new CompletableFuture<>();
        boolean taken = box.send(msg(3), refused);

        assertFalse(taken);
        UpstreamFullException full = (UpstreamFullException) assertThrows(ExecutionException.class,
                () -> refused.get(1, TimeUnit.SECONDS)).getCause();
        assertEquals(bound, full.pendingBytes());
        assertEquals(bound, box.pendingBytes(), "the refused frame is not counted");
    }

    @Test
    void anAckIsTakenWhateverWaits() {
        sink.writable = false;
        FrameOutbox box = new FrameOutbox(loop, sink, msg(1).encodedLength());
        assertTrue(box.send(msg(1), null));
        assertFalse(box.send(msg(2), null));

        Frame ack = Frame.control(FrameType.ACK, 1, 3, io.commucat.ccp.proto.ControlJson.object().put("ack", 7));

        assertTrue(box.send(ack, null), "it frees a slot of the server's delivery window");
    }

    @Test
    void aFrameLargerThanTheBoundIsTakenWhenNothingWaits() {
        FrameOutbox box = new FrameOutbox(loop, sink, 1);

        assertTrue(box.send(msg(1), null));
    }
}
