package io.commucat.ccp.proto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Coverage-guided fuzzing of the two frame decoders (docs/fuzzing.md). Without
 * {@code JAZZER_FUZZ} each target runs once per file of its committed corpus
 * ({@code FrameDecoderFuzzTestInputs/<method>/}); with it, Jazzer mutates inputs for as long as
 * {@code jazzer.max_duration} allows.
 *
 * <p>The contract under test: any bytes end in whole frames, "need more bytes" or a {@link
 * CodecException}, nothing else escapes; memory follows the bytes received, never a length a
 * peer declares; every decoded frame re-encodes to a frame that decodes equal; and the streaming
 * decoder agrees with the contiguous one whatever the chunking.
 */
class FrameDecoderFuzzTest {

    /**
     * Allocation allowed per decode: a fixed allowance (exceptions, parser buffers), a multiple of
     * the bytes received (a JSON tree costs more than its text) and a cost per frame (the frame,
     * its payload, the varints). What matters is that it is linear in the bytes received and
     * independent of any length a peer declares: a 16 MiB length prefix costs nothing until its
     * bytes arrive.
     */
    private static final long OVERHEAD = 64 * 1024;
    private static final long PER_BYTE = 64;
    private static final long PER_FRAME = 512;

    /** Small limits reach every "too large" path with short inputs. */
    private static final FrameLimits SMALL = new FrameLimits(300, 200, 100);

    /**
     * Heap and direct buffers give the same frames and the same error; both agree with {@link
     * FrameCodec#decodeFirst}. The first input byte picks the limits, the rest is the stream.
     */
    @FuzzTest
    void contiguousDecoding(byte[] input) {
        if (input.length == 0) {
            return;
        }
        FrameLimits limits = (input[0] & 1) == 0 ? FrameLimits.DEFAULT : SMALL;
        byte[] stream = Arrays.copyOfRange(input, 1, input.length);

        Outcome heap = contiguous(stream, limits, false);
        assertEquals(heap, contiguous(stream, limits, true), "a direct buffer decodes like a heap buffer");
        heap.frames().forEach(f -> assertWithinLimitsAndRoundTrips(f, limits));

        FrameCodec codec = new FrameCodec(limits);
        try {
            FrameCodec.Decoded first = codec.decodeFirst(stream);
            assertFalse(heap.frames().isEmpty(), "decodeFirst found a frame the loop did not");
            assertEquals(heap.frames().get(0), first.frame());
        } catch (CodecException e) {
            if (heap.frames().isEmpty()) {
                assertEquals(heap.error() == null ? CodecException.Kind.UNEXPECTED_EOF : heap.error(), e.kind(),
                        "decodeFirst reports what the loop reported, or the end of input");
            }
        }
        assertBoundedAllocation(stream, heap.frames().size(), () -> contiguous(stream, limits, false));
    }

    /**
     * The streaming decoder, fed the stream in chunks, produces exactly the contiguous decoder's
     * frames and error, and holds exactly the bytes of the unfinished frame. The first input byte
     * picks the limits (bit 0), whether the sink stops after every frame (bit 1) and the chunk
     * sizes (the rest); the other bytes are the stream.
     */
    @FuzzTest
    void streamingDecodingWhateverTheChunking(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int control = input[0] & 0xFF;
        FrameLimits limits = (control & 1) == 0 ? FrameLimits.DEFAULT : SMALL;
        boolean stopAfterEachFrame = (control & 2) != 0;
        byte[] stream = Arrays.copyOfRange(input, 1, input.length);

        Outcome expected = contiguous(stream, limits, false);
        StreamingRun run = streaming(stream, limits, control >>> 2, stopAfterEachFrame);
        assertEquals(expected.frames(), run.frames, "same frames as the contiguous decoder");
        assertEquals(expected.error(), run.error, "same error as the contiguous decoder");
        if (expected.error() == null) {
            assertEquals(stream.length - expected.consumed(), run.buffered,
                    "the decoder holds exactly the unfinished frame");
            assertEquals(run.buffered > 0 ? CodecException.Kind.UNEXPECTED_EOF : null, run.endOfStreamError,
                    "the end of the stream inside a frame is unexpected_eof, between frames it is clean");
        }
        assertBoundedAllocation(stream, run.frames.size(),
                () -> streaming(stream, limits, control >>> 2, stopAfterEachFrame));
    }

    /** Frames, then "need more" ({@code error == null}) or the codec's error. */
    record Outcome(List<Frame> frames, CodecException.Kind error, int consumed) {
    }

    private static Outcome contiguous(byte[] stream, FrameLimits limits, boolean direct) {
        FrameCodec codec = new FrameCodec(limits);
        ByteBuffer in = direct ? ByteBuffer.allocateDirect(stream.length).put(stream).flip() : ByteBuffer.wrap(stream);
        List<Frame> frames = new ArrayList<>();
        try {
            while (true) {
                int before = in.position();
                Frame frame = codec.decode(in);
                if (frame == null) {
                    assertEquals(before, in.position(), "need-more consumes nothing");
                    return new Outcome(frames, null, in.position());
                }
                assertTrue(in.position() > before, "a frame consumes bytes");
                frames.add(frame);
            }
        } catch (CodecException e) {
            return new Outcome(frames, e.kind(), in.position());
        }
    }

    private static final class StreamingRun {
        final List<Frame> frames = new ArrayList<>();
        CodecException.Kind error;
        CodecException.Kind endOfStreamError;
        int buffered;
    }

    private static StreamingRun streaming(byte[] stream, FrameLimits limits, int chunkSeed, boolean stopAfterEachFrame) {
        StreamingFrameDecoder decoder = new StreamingFrameDecoder(limits);
        StreamingRun run = new StreamingRun();
        Chunks chunks = new Chunks(chunkSeed);
        try {
            for (int offset = 0; offset < stream.length; ) {
                int length = Math.min(chunks.next(), stream.length - offset);
                ByteBuffer chunk = ByteBuffer.wrap(stream, offset, length);
                while (chunk.hasRemaining()) {
                    int before = run.frames.size();
                    decoder.decode(chunk, frame -> {
                        run.frames.add(frame);
                        return !stopAfterEachFrame;
                    });
                    if (chunk.hasRemaining()) {
                        assertTrue(stopAfterEachFrame && run.frames.size() == before + 1,
                                "the decoder returns early only when the sink stopped it");
                    }
                }
                offset += length;
            }
            run.buffered = decoder.bufferedBytes();
        } catch (CodecException e) {
            assertEquals(StreamingFrameDecoder.State.FAILED, decoder.state());
            run.error = e.kind();
            return run;
        }
        try {
            decoder.endOfStream();
        } catch (CodecException e) {
            run.endOfStreamError = e.kind();
        }
        return run;
    }

    /** Chunk sizes from a seed: 0 is one byte at a time, then sizes of up to {@code seed + 1} bytes. */
    private static final class Chunks {
        private final int max;
        private int state;

        Chunks(int seed) {
            this.max = seed + 1;
            this.state = seed * 7919 + 1;
        }

        int next() {
            state = state * 1_103_515_245 + 12_345;
            return 1 + ((state >>> 16) & 0x7FFF) % max;
        }
    }

    private static void assertWithinLimitsAndRoundTrips(Frame frame, FrameLimits limits) {
        assertTrue(frame.payload().length() <= limits.maxPayloadBytes(), "payload within the limit");
        if (frame.payload().kind() == PayloadKind.CONTROL) {
            assertTrue(frame.payload().length() <= limits.maxControlBytes(), "control payload within the limit");
        }
        byte[] encoded = FrameCodec.encode(frame);
        try {
            FrameCodec.Decoded again = FrameCodec.standard().decodeFirst(encoded);
            assertEquals(frame, again.frame(), "a decoded frame re-encodes to an equal frame");
            assertEquals(encoded.length, again.length());
            assertArrayEquals(encoded, FrameCodec.encode(again.frame()), "re-encoding is stable");
        } catch (CodecException e) {
            throw new AssertionError("a decoded frame re-encodes to bytes that do not decode: " + e.kind(), e);
        }
    }

    /**
     * Decodes twice and measures the second run, so that one-time class initialization on a new
     * path does not count.
     */
    private static void assertBoundedAllocation(byte[] stream, int frames, Runnable decode) {
        decode.run();
        long before = Allocation.current();
        decode.run();
        long allocated = Allocation.current() - before;
        assertTrue(allocated < OVERHEAD + PER_BYTE * stream.length + PER_FRAME * frames,
                "allocated " + allocated + " bytes decoding " + frames + " frames from " + stream.length + " bytes");
    }
}
