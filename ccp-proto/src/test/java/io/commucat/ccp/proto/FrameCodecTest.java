package io.commucat.ccp.proto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class FrameCodecTest {

    private static final FrameCodec CODEC = FrameCodec.standard();

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    /** A length-prefixed frame made of raw body parts, to build malformed frames. */
    private static byte[] frame(byte[]... parts) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            body.writeBytes(p);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(Varint.encode(body.size()));
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    private static CodecException.Kind failure(byte[] bytes) {
        return assertThrows(CodecException.class, () -> CODEC.decodeFirst(bytes)).kind();
    }

    @Test
    void encodesTheVectorLayout() {
        Frame frame = Frame.opaque(FrameType.MSG, 9, 1, hex("01020304"));
        assertArrayEquals(hex("080509010401020304"), FrameCodec.encode(frame));
        assertEquals(9, frame.encodedLength());
    }

    @Test
    void writesCompactJsonForControlPayloads() throws CodecException {
        ObjectNode json = ControlJson.object().put("state", "online");
        byte[] encoded = FrameCodec.encode(Frame.control(FrameType.PRESENCE, 3, 4, json));
        byte[] payload = CODEC.decodeFirst(encoded).frame().control().toByteArray();
        assertEquals("{\"state\":\"online\"}", new String(payload, StandardCharsets.UTF_8));
    }

    @Test
    void decodesFromAByteBufferAndAdvancesPastTheFrameOnly() throws CodecException {
        byte[] one = FrameCodec.encode(Frame.opaque(FrameType.MSG, 1, 2, new byte[] {7}));
        ByteBuffer buffer = ByteBuffer.allocate(one.length * 2).put(one).put(one).flip();
        CODEC.decode(buffer);
        assertEquals(one.length, buffer.position());
    }

    @Test
    void decodesFromADirectBuffer() throws CodecException {
        byte[] one = FrameCodec.encode(Frame.opaque(FrameType.MSG, 1, 2, new byte[] {7, 8}));
        ByteBuffer direct = ByteBuffer.allocateDirect(one.length).put(one).flip();
        assertArrayEquals(new byte[] {7, 8}, CODEC.decode(direct).opaque().toByteArray());
    }

    @Test
    void needMoreLeavesTheBufferUntouched() throws CodecException {
        byte[] one = FrameCodec.encode(Frame.opaque(FrameType.MSG, 1, 2, new byte[] {7, 8}));
        ByteBuffer partial = ByteBuffer.wrap(one, 0, one.length - 1);
        assertNull(CODEC.decode(partial));
        assertEquals(0, partial.position());
    }

    @Test
    void frameLimitIsCheckedBeforeTheBodyArrives() {
        assertEquals(CodecException.Kind.FRAME_TOO_LARGE, failure(Varint.encode(FrameLimits.PROTOCOL_MAX_BODY + 1L)));
        assertEquals(CodecException.Kind.FRAME_TOO_LARGE, failure(Varint.encode(-1L)));
    }

    @Test
    void bodyOfExactlyTheLimitIsWaitedFor() {
        ByteBuffer header = ByteBuffer.wrap(Varint.encode(FrameLimits.PROTOCOL_MAX_BODY));
        assertNull(assertDoesNotThrowCodec(() -> CODEC.decode(header)));
    }

    @Test
    void sequenceOverU32IsRejected() {
        byte[] bytes = frame(new byte[] {5}, Varint.encode(0), Varint.encode(1L << 32), Varint.encode(0));
        assertEquals(CodecException.Kind.SEQUENCE_TOO_LARGE, failure(bytes));
    }

    @Test
    void channelIsCheckedBeforeSequence() {
        byte[] bytes = frame(new byte[] {5}, Varint.encode(1L << 32), Varint.encode(1L << 32), Varint.encode(0));
        assertEquals(CodecException.Kind.CHANNEL_ID_TOO_LARGE, failure(bytes));
    }

    @Test
    void typeIsCheckedBeforeChannel() {
        byte[] bytes = frame(new byte[] {0x15}, Varint.encode(1L << 32), Varint.encode(0), Varint.encode(0));
        assertEquals(CodecException.Kind.INVALID_FRAME_TYPE, failure(bytes));
    }

    @Test
    void payloadLengthOverTheLimitIsPayloadTooLargeEvenWhenTheBodyIsShort() {
        byte[] bytes = frame(new byte[] {5}, Varint.encode(0), Varint.encode(0), Varint.encode(FrameLimits.PROTOCOL_MAX_BODY + 1L));
        assertEquals(CodecException.Kind.PAYLOAD_TOO_LARGE, failure(bytes));
    }

    @Test
    void varintOverflowInsideTheBodyIsReported() {
        byte[] bytes = frame(new byte[] {5}, hex("ffffffffffffffffff7f"), Varint.encode(0), Varint.encode(0));
        assertEquals(CodecException.Kind.VARINT_OVERFLOW, failure(bytes));
    }

    @Test
    void bodyEndingInsideAVarintIsAnUnexpectedEnd() {
        assertEquals(CodecException.Kind.UNEXPECTED_EOF, failure(frame(new byte[] {5}, hex("80"))));
        assertEquals(CodecException.Kind.UNEXPECTED_EOF, failure(frame(new byte[] {5})));
    }

    @Test
    void trailingBytesAreCheckedBeforeTheControlLimit() {
        byte[] big = new byte[FrameLimits.PROTOCOL_MAX_CONTROL + 1];
        byte[] bytes = frame(new byte[] {1}, Varint.encode(0), Varint.encode(0), Varint.encode(big.length), big, new byte[] {0});
        assertEquals(CodecException.Kind.TRAILING_BYTES, failure(bytes));
    }

    @Test
    void controlPayloadOverTheControlLimitIsRejectedBeforeParsing() {
        byte[] big = new byte[FrameLimits.PROTOCOL_MAX_CONTROL + 1];
        byte[] bytes = frame(new byte[] {1}, Varint.encode(0), Varint.encode(0), Varint.encode(big.length), big);
        assertEquals(CodecException.Kind.CONTROL_TOO_LARGE, failure(bytes));
    }

    @Test
    void opaquePayloadsMayExceedTheControlLimit() throws CodecException {
        byte[] big = new byte[FrameLimits.PROTOCOL_MAX_CONTROL + 1];
        Frame frame = Frame.opaque(FrameType.VIDEO_FRAME, 1, 1, big);
        assertEquals(frame, CODEC.decodeFirst(FrameCodec.encode(frame)).frame());
    }

    @Test
    void tighterLimitsApply() {
        FrameCodec strict = new FrameCodec(new FrameLimits(64, 32, 16));
        byte[] bytes = FrameCodec.encode(Frame.opaque(FrameType.MSG, 0, 0, new byte[70]));
        assertEquals(CodecException.Kind.FRAME_TOO_LARGE,
                assertThrows(CodecException.class, () -> strict.decodeFirst(bytes)).kind());
    }

    @Test
    void aFrameCannotBeBuiltOutsideTheProtocolLimits() {
        assertThrows(IllegalArgumentException.class, () -> Frame.opaque(FrameType.MSG, 1L << 32, 0, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> Frame.opaque(FrameType.MSG, 0, -1, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> Frame.opaque(FrameType.MSG, 0, 0, new byte[FrameLimits.PROTOCOL_MAX_BODY]));
        assertThrows(IllegalArgumentException.class, () -> Frame.opaque(FrameType.HELLO, 0, 0, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> Frame.control(FrameType.MSG, 0, 0, ControlJson.object()));
    }

    @Test
    void theLargestOpaqueFrameRoundTrips() throws CodecException {
        int payload = FrameLimits.PROTOCOL_MAX_BODY - 1 - 1 - 1 - Varint.size(FrameLimits.PROTOCOL_MAX_BODY);
        Frame frame = Frame.opaque(FrameType.MSG, 0, 0, new byte[payload]);
        assertEquals(FrameLimits.PROTOCOL_MAX_BODY, frame.bodyLength());
        assertEquals(frame, CODEC.decodeFirst(FrameCodec.encode(frame)).frame());
    }

    @Test
    void decodedPayloadsAreNotViewsOfTheCallersArray() throws CodecException {
        byte[] bytes = FrameCodec.encode(Frame.opaque(FrameType.MSG, 0, 0, new byte[] {1, 2, 3}));
        Frame frame = CODEC.decodeFirst(bytes).frame();
        bytes[bytes.length - 1] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, frame.opaque().toByteArray());
    }

    private interface Decode {
        Frame run() throws CodecException;
    }

    private static Frame assertDoesNotThrowCodec(Decode d) {
        try {
            return d.run();
        } catch (CodecException e) {
            throw new AssertionError(e);
        }
    }
}
