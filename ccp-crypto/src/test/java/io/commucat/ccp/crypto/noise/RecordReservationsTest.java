package io.commucat.ccp.crypto.noise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.proto.BufferReservations;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameCodec;
import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.proto.FrameLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A record that arrives split is reassembled in a buffer reserved from the stream's budget,
 * given back exactly once: when the record completes, or when the transport closes or fails.
 */
class RecordReservationsTest {

    static final class Budget implements BufferReservations {
        final long limit;
        final AtomicLong reserved = new AtomicLong();

        Budget(long limit) {
            this.limit = limit;
        }

        @Override
        public boolean reserve(long bytes) {
            if (reserved.addAndGet(bytes) > limit) {
                reserved.addAndGet(-bytes);
                return false;
            }
            return true;
        }

        @Override
        public void release(long bytes) {
            assertTrue(reserved.addAndGet(-bytes) >= 0, "released more than was reserved");
        }
    }

    private final Sessions.Established session = Sessions.established(NoisePattern.XK, NoiseEngine.FAST,
            NoiseEngine.FAST);

    RecordReservationsTest() throws NoiseException {
    }

    /** One record holding one 40 000-byte frame (the tests split it after 10 000 wire bytes). */
    private byte[] record() throws NoiseException {
        return session.initiator().seal(FrameCodec.encode(Frame.opaque(FrameType.MSG, 1, 1, new byte[40_000])));
    }

    private static void feed(SecureFrameStream stream, byte[] wire, int from, int to) throws Exception {
        stream.open(wire, from, to - from, frame -> true);
    }

    @Test
    void aSplitRecordIsReservedUntilItCompletes() throws Exception {
        Budget budget = new Budget(1 << 20);
        SecureFrameStream stream = new SecureFrameStream(session.responder(), FrameLimits.DEFAULT, budget);
        byte[] wire = record();

        feed(stream, wire, 0, 10_000);
        long held = budget.reserved.get();
        feed(stream, wire, 10_000, wire.length);

        assertTrue(held >= 40_000, "the split record was reserved: " + held);
        assertEquals(0, budget.reserved.get(), "record and frame complete: everything is back");
    }

    @Test
    void closingTheStreamGivesASplitRecordBack() throws Exception {
        Budget budget = new Budget(1 << 20);
        SecureFrameStream stream = new SecureFrameStream(session.responder(), FrameLimits.DEFAULT, budget);
        feed(stream, record(), 0, 10_000);

        stream.close();
        stream.close();

        assertEquals(0, budget.reserved.get());
    }

    @Test
    void aRefusedRecordBufferFailsTheTransportWithBufferRefused() throws Exception {
        Budget budget = new Budget(1_000);
        NoiseTransport responder = session.responder();
        SecureFrameStream stream = new SecureFrameStream(responder, FrameLimits.DEFAULT, budget);
        byte[] wire = record();
        List<Object> frames = new ArrayList<>();

        NoiseException e = assertThrows(NoiseException.class, () -> stream.open(wire, 0, 10_000, frames::add));

        assertEquals(NoiseException.Kind.BUFFER_REFUSED, e.kind());
        assertEquals(NoiseTransport.State.FAILED, responder.state());
        assertEquals(0, budget.reserved.get());
    }
}
