package io.commucat.ccp.server.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.client.handshake.UserHints;
import io.commucat.ccp.crypto.noise.NoisePattern;
import io.commucat.ccp.proto.BufferReservations;
import io.commucat.ccp.proto.ControlJson;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A session's share of the node-wide buffer budget, socket-free: the decoder's unfinished frame
 * and the relay's queue reserve from it, and give everything back however the frame or the
 * session ends.
 */
class SessionBufferBudgetTest {

    /** Counts what is out; refuses the n-th reservation after {@link #refuseIn}. */
    static final class Budget implements BufferReservations {
        final AtomicLong reserved = new AtomicLong();
        final AtomicLong peak = new AtomicLong();
        final AtomicInteger countdown = new AtomicInteger();

        void refuseIn(int reservations) {
            countdown.set(reservations);
        }

        @Override
        public boolean reserve(long bytes) {
            if (countdown.get() > 0 && countdown.decrementAndGet() == 0) {
                return false;
            }
            peak.accumulateAndGet(reserved.addAndGet(bytes), Math::max);
            return true;
        }

        @Override
        public void release(long bytes) {
            assertTrue(reserved.addAndGet(-bytes) >= 0, "released more than was reserved");
        }
    }

    @TempDir
    java.nio.file.Path dir;

    private final Budget budget = new Budget();
    private ConnectFixture f;
    private TestDevice device;
    private ConnectFixture.Stream stream;
    private long sequence = 3; // Hello 1, Auth 2
    private final List<Frame> received = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        f = new ConnectFixture(dir, ConnectFixture.PolicyChange.NONE, budget);
        device = new TestDevice(f, "alice-phone").start(NoisePattern.XK, UserHints.handle("alice"));
        stream = f.open();
        device.bootstrap(stream);
    }

    @AfterEach
    void close() throws Exception {
        f.close();
    }

    private long join(long channel) throws Exception {
        long seq = sequence++;
        stream.send(device.seal(Frame.control(FrameType.JOIN, channel, seq, ControlJson.object())));
        return seq;
    }

    private Frame answer(long seq) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            for (var it = received.iterator(); it.hasNext();) {
                Frame frame = it.next();
                if (frame.control().json().path("ack").asLong(-1) == seq) {
                    it.remove();
                    return frame;
                }
            }
            received.addAll(device.readEncrypted(stream));
            assertTrue(System.nanoTime() < deadline, "no answer to " + seq + "; got " + received);
            Thread.sleep(5);
        }
    }

    private void awaitReservedZero() throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (budget.reserved.get() != 0) {
            assertTrue(System.nanoTime() < deadline, budget.reserved.get() + " bytes still reserved");
            Thread.sleep(5);
        }
    }

    @Test
    void framesWaitingForStorageAreReservedAndGivenBackOnceStorageTookThem() throws Exception {
        List<Long> joins = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            joins.add(join(100 + i));
        }
        for (long seq : joins) {
            assertEquals(FrameType.ACK, answer(seq).type());
        }

        awaitReservedZero();
        assertTrue(budget.peak.get() > 0, "the frames were reserved while they waited");
    }

    @Test
    void aFrameTheBudgetCannotQueueIsRefusedBusyAndTheSessionGoesOn() throws Exception {
        budget.refuseIn(2); // the decoder's buffer is the first reservation, the queue the second

        Frame refusal = answer(join(7));

        assertEquals(FrameType.ERROR, refusal.type());
        assertEquals("busy", refusal.control().text("error"));
        assertEquals(FrameType.ACK, answer(join(7)).type());
        awaitReservedZero();
    }

    @Test
    void anUnfinishedFrameIsGivenBackWhenTheTransportCloses() throws Exception {
        byte[] wire = device.seal(Frame.opaque(FrameType.MSG, 7, sequence++, new byte[200_000]));
        stream.send(Arrays.copyOf(wire, 150_000));
        assertTrue(budget.reserved.get() > 100_000, "the unfinished frame holds " + budget.reserved.get());

        stream.transportClosed();

        assertEquals(0, budget.reserved.get());
    }

    @Test
    void anUnfinishedFrameIsGivenBackWhenTheUpstreamEnds() throws Exception {
        byte[] wire = device.seal(Frame.opaque(FrameType.MSG, 7, sequence++, new byte[200_000]));
        stream.send(Arrays.copyOf(wire, 150_000));

        stream.endUpstream();

        assertEquals(0, budget.reserved.get());
    }

    @Test
    void aRefusedFrameBufferEndsTheSession() throws Exception {
        budget.refuseIn(1);
        byte[] wire = device.seal(Frame.opaque(FrameType.MSG, 7, sequence++, new byte[200_000]));

        stream.send(Arrays.copyOf(wire, 150_000));

        assertTrue(stream.down.isClosed(), "the session that asked is ended");
        assertEquals(ConnectSession.State.CLOSED, stream.state());
        assertEquals(0, budget.reserved.get());
    }
}
