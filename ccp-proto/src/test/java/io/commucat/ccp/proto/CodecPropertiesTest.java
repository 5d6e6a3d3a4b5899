package io.commucat.ccp.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Properties of the codec over generated and mutated input: frames round-trip whatever the
 * chunking, and arbitrary bytes never produce anything but a frame, "need more" or the codec's
 * own error, within bounded memory.
 */
class CodecPropertiesTest {

    /** Generous allowance for bookkeeping objects (frames, JSON nodes, exceptions, parser buffers). */
    private static final long OVERHEAD = 64 * 1024;

    @Provide
    Arbitrary<Frame> frames() {
        Arbitrary<FrameType> types = Arbitraries.of(FrameType.class);
        Arbitrary<Long> u32 = Arbitraries.oneOf(
                Arbitraries.longs().between(0, 300),
                Arbitraries.longs().between(0, FrameLimits.MAX_U32));
        Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(3000);
        Arbitrary<ObjectNode> json = Arbitraries.maps(
                        Arbitraries.strings().ofMaxLength(12),
                        Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(40).map(s -> (Object) s),
                                Arbitraries.longs().map(l -> (Object) l),
                                Arbitraries.of(true, false).map(b -> (Object) b)))
                .ofMaxSize(6)
                .map(m -> {
                    ObjectNode node = ControlJson.object();
                    m.forEach((k, v) -> node.set(k, ControlJson.mapper().valueToTree(v)));
                    return node;
                });
        return Combinators.combine(types, u32, u32, bytes, json).as((type, channel, seq, opaque, control) ->
                type.payloadKind() == PayloadKind.OPAQUE
                        ? Frame.opaque(type, channel, seq, opaque)
                        : Frame.control(type, channel, seq, control));
    }

    @Property(tries = 300)
    void framesRoundTripThroughTheContiguousDecoder(@ForAll("frames") Frame frame) throws CodecException {
        byte[] encoded = FrameCodec.encode(frame);
        FrameCodec.Decoded decoded = FrameCodec.standard().decodeFirst(encoded);
        assertEquals(frame, decoded.frame());
        assertEquals(encoded.length, decoded.length());
    }

    @Property(tries = 200)
    void framesRoundTripWhateverTheChunking(
            @ForAll("frames") Frame a, @ForAll("frames") Frame b, @ForAll @IntRange(min = 1, max = 97) int chunk)
            throws CodecException {
        byte[] one = FrameCodec.encode(a);
        byte[] two = FrameCodec.encode(b);
        byte[] all = new byte[one.length + two.length];
        System.arraycopy(one, 0, all, 0, one.length);
        System.arraycopy(two, 0, all, one.length, two.length);
        StreamingFrameDecoder decoder = new StreamingFrameDecoder();
        List<Frame> got = new ArrayList<>();
        for (int i = 0; i < all.length; i += chunk) {
            decoder.decode(ByteBuffer.wrap(all, i, Math.min(chunk, all.length - i)), got::add);
        }
        decoder.endOfStream();
        assertEquals(List.of(a, b), got);
    }

    @Property(tries = 2000)
    void arbitraryBytesNeverBreakTheDecoders(@ForAll @Size(max = 64) byte[] bytes) {
        assertOnlyCodecOutcomes(bytes);
    }

    @Property(tries = 2000)
    void mutatedFramesNeverBreakTheDecoders(
            @ForAll("frames") Frame frame, @ForAll @IntRange(min = 0, max = 10_000) int position,
            @ForAll byte value, @ForAll @IntRange(min = 0, max = 3) int mode) {
        byte[] bytes = FrameCodec.encode(frame);
        int p = position % bytes.length;
        bytes = switch (mode) {
            case 0 -> { // overwrite one byte
                bytes[p] = value;
                yield bytes;
            }
            case 1 -> java.util.Arrays.copyOf(bytes, p); // truncate
            case 2 -> { // insert one byte
                byte[] longer = new byte[bytes.length + 1];
                System.arraycopy(bytes, 0, longer, 0, p);
                longer[p] = value;
                System.arraycopy(bytes, p, longer, p + 1, bytes.length - p);
                yield longer;
            }
            default -> { // flip one bit
                bytes[p] ^= (byte) (1 << (value & 7));
                yield bytes;
            }
        };
        assertOnlyCodecOutcomes(bytes);
    }

    /**
     * Contiguous and streaming decoding end in frames, need-more or a CodecException, in bounded
     * memory. The input is decoded twice and the second run measured, so that one-time class
     * initialization on a new error path does not count.
     */
    private static void assertOnlyCodecOutcomes(byte[] bytes) {
        decodeBothWays(bytes);
        long before = Allocation.current();
        decodeBothWays(bytes);
        long allocated = Allocation.current() - before;
        assertTrue(allocated < 4L * bytes.length + OVERHEAD,
                "allocated " + allocated + " bytes decoding " + bytes.length + " bytes");
    }

    private static void decodeBothWays(byte[] bytes) {
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            while (FrameCodec.standard().decode(in) != null) {
                // keep decoding: every call must consume or report need-more
            }
        } catch (CodecException expected) {
            // the codec's own error is an allowed outcome
        }
        StreamingFrameDecoder decoder = new StreamingFrameDecoder();
        try {
            ByteBuffer window = ByteBuffer.wrap(bytes);
            for (int i = 0; i < bytes.length; i++) {
                window.limit(i + 1).position(i);
                decoder.decode(window, f -> true);
            }
            decoder.endOfStream();
        } catch (CodecException expected) {
            assertEquals(StreamingFrameDecoder.State.FAILED, decoder.state());
        }
    }
}
