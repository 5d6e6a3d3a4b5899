package io.commucat.ccp.server.http;

import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.server.connect.ConnectHandler;
import io.commucat.ccp.server.connect.ConnectStream;
import io.commucat.ccp.server.connect.Downstream;
import io.netty.channel.EventLoop;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * Test double of the session core (not of the network) for the transport tests: each stream
 * records what its transport told it and in which thread, and lets the test write, ask for room
 * and close from the stream's own loop. Optionally echoes every upstream byte. On shutdown it
 * writes {@link #BYE} and ends the response. Like the real session, it numbers its writes from 1
 * (ccp-1.md §4.2): SSE and long-poll label each write with that number, and long-poll's resume
 * drops what the browser acknowledged by it.
 */
final class ProbeHandler implements ConnectHandler {

    static final byte[] BYE = "bye".getBytes(StandardCharsets.US_ASCII);

    final LinkedBlockingQueue<Probe> opened = new LinkedBlockingQueue<>();
    final List<Probe> all = new CopyOnWriteArrayList<>();
    /** Whether streams opened from now on write every upstream byte straight back. */
    volatile boolean echo;

    @Override
    public ConnectStream open(Downstream downstream, EventLoop loop, String remoteAddress) {
        Probe probe = new Probe(downstream, loop, echo);
        all.add(probe);
        opened.add(probe);
        return probe;
    }

    /** The next stream the server opened. */
    Probe awaitOpened() throws InterruptedException {
        Probe probe = opened.poll(10, TimeUnit.SECONDS);
        if (probe == null) {
            throw new AssertionError("the server opened no /connect stream");
        }
        return probe;
    }

    /** One stream as the session core would see it. */
    static final class Probe implements ConnectStream {
        final Downstream downstream;
        final EventLoop loop;
        final String openThread = Thread.currentThread().getName();
        final AtomicInteger upstreamEnds = new AtomicInteger();
        final AtomicInteger transportCloses = new AtomicInteger();
        final AtomicInteger readies = new AtomicInteger();
        final AtomicInteger shutdowns = new AtomicInteger();
        /** Calls the seam's rules forbid (ConnectStream's Javadoc), or made off the loop. */
        final List<String> violations = new CopyOnWriteArrayList<>();
        private final boolean echo;
        private final ByteArrayOutputStream upstream = new ByteArrayOutputStream();
        /** Set on the loop: no call may come after the stream's end. */
        private boolean over;
        /** The last write's sequence number; on the loop. */
        private long sequence;
        /** Whether the stream takes upstream (storage back-pressure); on the loop. */
        private boolean intakeOpen = true;

        Probe(Downstream downstream, EventLoop loop, boolean echo) {
            this.downstream = downstream;
            this.loop = loop;
            this.echo = echo;
        }

        @Override
        public void onBytes(byte[] data, int off, int len) {
            check("onBytes");
            if (upstreamEnds.get() > 0) {
                violations.add("bytes after the end of the upload");
            }
            synchronized (upstream) {
                upstream.write(data, off, len);
            }
            if (echo) {
                downstream.write(nextFrame(), Arrays.copyOfRange(data, off, off + len));
            }
        }

        @Override
        public void onUpstreamEnd() {
            check("onUpstreamEnd");
            upstreamEnds.incrementAndGet();
        }

        @Override
        public void onTransportClosed() {
            check("onTransportClosed");
            over = true;
            transportCloses.incrementAndGet();
        }

        @Override
        public void onReady() {
            check("onReady");
            readies.incrementAndGet();
        }

        @Override
        public boolean wantsUpstream() {
            return intakeOpen;
        }

        /** As a session whose frames wait for storage beyond the mark: takes no more upstream. */
        void pauseIntake() throws Exception {
            onLoop(() -> intakeOpen = false);
        }

        /** Storage caught up: takes upstream again and tells the transport. */
        void resumeIntake() throws Exception {
            onLoop(() -> {
                intakeOpen = true;
                downstream.resumeUpstream();
                return null;
            });
        }

        @Override
        public void shutdown() {
            check("shutdown");
            shutdowns.incrementAndGet();
            downstream.write(nextFrame(), BYE);
            end();
        }

        /** The clear frame of the next write, numbered as the real session numbers them; on the loop. */
        Frame nextFrame() {
            return Frame.opaque(FrameType.MSG, 0, ++sequence, new byte[0]);
        }

        private void check(String call) {
            if (!loop.inEventLoop()) {
                violations.add(call + " off the stream's loop");
            }
            if (over) {
                violations.add(call + " after the stream's end");
            }
        }

        /** Runs {@code work} on the stream's loop and waits for it. */
        <T> T onLoop(Callable<T> work) throws Exception {
            return loop.submit(work).get(10, TimeUnit.SECONDS);
        }

        void write(byte[] bytes) throws Exception {
            onLoop(() -> {
                downstream.write(nextFrame(), bytes);
                return null;
            });
        }

        long room() throws Exception {
            return onLoop(downstream::room);
        }

        /** Ends the response from the session's side. */
        void close() throws Exception {
            onLoop(() -> {
                end();
                return null;
            });
        }

        private void end() {
            over = true;
            downstream.close();
        }

        byte[] upstream() {
            synchronized (upstream) {
                return upstream.toByteArray();
            }
        }

        int received() {
            synchronized (upstream) {
                return upstream.size();
            }
        }

        /** Waits (bounded) until {@code counter} reaches {@code expected}. */
        static void await(IntSupplier counter, int expected, String what) throws InterruptedException {
            await(counter, expected, what, Duration.ofSeconds(10));
        }

        /** Waits until {@code counter} reaches {@code expected}, at most {@code within}. */
        static void await(IntSupplier counter, int expected, String what, Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            while (counter.getAsInt() < expected) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(what + ": " + counter.getAsInt() + " of " + expected);
                }
                Thread.sleep(5);
            }
        }
    }
}
