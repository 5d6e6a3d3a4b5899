package io.commucat.ccp.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The streaming decoder reserves what an unfinished frame holds and gives it back exactly once. */
class BufferReservationsTest {

    /** A budget of {@code limit} bytes that remembers what is out. */
    static final class Budget implements BufferReservations {
        final long limit;
        final AtomicLong reserved = new AtomicLong();
        final AtomicLong refusals = new AtomicLong();

        Budget(long limit) {
            this.limit = limit;
        }

        @Override
        public boolean reserve(long bytes) {
            assertTrue(bytes > 0, "reservations are positive");
            if (reserved.addAndGet(bytes) > limit) {
                reserved.addAndGet(-bytes);
                refusals.incrementAndGet();
                return false;
            }
            return true;
        }

        @Override
        public void release(long bytes) {
            assertTrue(reserved.addAndGet(-bytes) >= 0, "released more than reserved");
        }
    }

    private static byte[] msg(int size) {
        return FrameCodec.encode(Frame.opaque(FrameType.MSG, 7, 1, new byte[size]));
    }

    private static byte[] head(byte[] bytes, int length) {
        return Arrays.copyOf(bytes, length);
    }

    @Test
    void anUnfinishedFrameHoldsAReservationOfAtMostItsBody() throws CodecException {
        Budget budget = new Budget(1 << 20);
        StreamingFrameDecoder decoder = new StreamingFrameDecoder(FrameLimits.DEFAULT, budget);
        byte[] frame = msg(100_000);

        decoder.decode(head(frame, 60_000));

        assertEquals(decoder.reservedBytes(), budget.reserved.get());
        // The body bytes received (60 000 less the length prefix), and never more than the body.
        assertTrue(budget.reserved.get() >= 59_990 && budget.reserved.get() < frame.length, budget.reserved::toString);
    }

    @Test
    void aCompletedFrameGivesItsReservationBack() throws CodecException {
        Budget budget = new Budget(1 << 20);
        StreamingFrameDecoder decoder = new StreamingFrameDecoder(FrameLimits.DEFAULT, budget);
        byte[] frame = msg(100_000);
        decoder.decode(head(frame, 60_000));

        assertEquals(1, decoder.decode(Arrays.copyOfRange(frame, 60_000, frame.length)).size());

        assertEquals(0, budget.reserved.get());
        assertEquals(0, decoder.reservedBytes());
    }

    @Test
    void aDecodeErrorGivesTheReservationBack() throws CodecException {
        Budget budget = new Budget(1 << 20);
        StreamingFrameDecoder decoder = new StreamingFrameDecoder(FrameLimits.DEFAULT, budget);
        byte[] frame = msg(1_000);
        frame[2] = (byte) 0xff; // the type byte after a two-byte length: found when the body completes

        assertThrows(CodecException.class, () -> decoder.decode(frame));

        assertEquals(0, budget.reserved.get());
    }

    @Test
    void anEndInsideAFrameGivesTheReservationBack() throws CodecException {
        Budget budget = new Budget(1 << 20);
        StreamingFrameDecoder decoder = new StreamingFrameDecoder(FrameLimits.DEFAULT, budget);
        decoder.decode(head(msg(10_000), 5_000));

        assertThrows(CodecException.class, decoder::endOfStream);

        assertEquals(0, budget.reserved.get());
    }

    @Test
    void releaseGivesTheReservationBackOnceAndEndsTheDecoder() throws CodecException {
        Budget budget = new Budget(1 << 20);
        StreamingFrameDecoder decoder = new StreamingFrameDecoder(FrameLimits.DEFAULT, budget);
        decoder.decode(head(msg(10_000), 5_000));

        decoder.release();
        decoder.release();

        assertEquals(0, budget.reserved.get());
        assertThrows(CodecException.class, () -> decoder.decode(msg(1)));
    }

    @Test
    void aRefusedReservationFailsTheDecoderWithoutHoldingAnything() throws CodecException {
        Budget budget = new Budget(4_096);
        StreamingFrameDecoder decoder = new StreamingFrameDecoder(FrameLimits.DEFAULT, budget);
        byte[] frame = msg(100_000);

        CodecException e = assertThrows(CodecException.class, () -> decoder.decode(head(frame, 50_000)));

        assertEquals(CodecException.Kind.BUFFER_REFUSED, e.kind());
        assertEquals(StreamingFrameDecoder.State.FAILED, decoder.state());
        assertEquals(0, budget.reserved.get());
        assertEquals(1, budget.refusals.get());
    }

    @Test
    void decodersSharingABudgetCannotHoldMoreThanIt() throws CodecException {
        Budget budget = new Budget(250_000);
        byte[] frame = msg(200_000);
        StreamingFrameDecoder first = new StreamingFrameDecoder(FrameLimits.DEFAULT, budget);
        first.decode(head(frame, 150_000));
        StreamingFrameDecoder second = new StreamingFrameDecoder(FrameLimits.DEFAULT, budget);

        assertThrows(CodecException.class, () -> second.decode(head(frame, 150_000)));

        assertTrue(budget.reserved.get() <= budget.limit);
        assertEquals(List.of(), first.decode(Arrays.copyOfRange(frame, 150_000, 150_001)), "the first goes on");
        assertEquals(1, first.decode(Arrays.copyOfRange(frame, 150_001, frame.length)).size());
        assertEquals(0, budget.reserved.get());
    }
}
