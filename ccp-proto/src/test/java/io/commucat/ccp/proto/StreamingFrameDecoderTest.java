package io.commucat.ccp.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamingFrameDecoderTest {

    private static Frame msg(int seq, int size) {
        return Frame.opaque(FrameType.MSG, 7, seq, new byte[size]);
    }

    private static byte[] concat(Frame... frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Frame f : frames) {
            out.writeBytes(FrameCodec.encode(f));
        }
        return out.toByteArray();
    }

    @Test
    void decodesSeveralFramesFromOneChunk() throws CodecException {
        Frame a = msg(1, 3);
        Frame b = Frame.control(FrameType.PRESENCE, 0, 2, ControlJson.object().put("state", "away"));
        assertEquals(List.of(a, b), new StreamingFrameDecoder().decode(concat(a, b)));
    }

    @Test
    void keepsAPartialFrameAcrossChunks() throws CodecException {
        Frame a = msg(1, 1000);
        byte[] bytes = FrameCodec.encode(a);
        StreamingFrameDecoder decoder = new StreamingFrameDecoder();
        assertEquals(List.of(), decoder.decode(java.util.Arrays.copyOf(bytes, 500)));
        assertEquals(500, decoder.bufferedBytes());
        assertEquals(StreamingFrameDecoder.State.BODY, decoder.state());
        assertEquals(List.of(a), decoder.decode(java.util.Arrays.copyOfRange(bytes, 500, bytes.length)));
        assertEquals(0, decoder.bufferedBytes());
    }

    @Test
    void aSinkThatStopsLeavesTheFollowingBytesInTheBuffer() throws CodecException {
        Frame auth = Frame.control(FrameType.AUTH, 0, 3, ControlJson.object().put("handshake", "00"));
        byte[] trailing = {(byte) 0x20, 1, 2, 3};
        byte[] bytes = concat(auth);
        ByteBuffer src = ByteBuffer.allocate(bytes.length + trailing.length).put(bytes).put(trailing).flip();
        List<Frame> got = new ArrayList<>();
        new StreamingFrameDecoder().decode(src, f -> {
            got.add(f);
            return false;
        });
        assertEquals(List.of(auth), got);
        assertEquals(bytes.length, src.position());
        assertEquals(trailing.length, src.remaining());
    }

    @Test
    void anErrorIsFatalAndRepeatsOnEveryLaterCall() {
        StreamingFrameDecoder decoder = new StreamingFrameDecoder();
        CodecException first = assertThrows(CodecException.class, () -> decoder.decode(new byte[] {4, 0x7f, 0, 0, 0}));
        assertEquals(StreamingFrameDecoder.State.FAILED, decoder.state());
        CodecException again = assertThrows(CodecException.class, () -> decoder.decode(FrameCodec.encode(msg(1, 1))));
        assertSame(first, again);
        assertSame(first, assertThrows(CodecException.class, decoder::endOfStream));
    }

    @Test
    void endOfStreamBetweenFramesIsClean() throws CodecException {
        StreamingFrameDecoder decoder = new StreamingFrameDecoder();
        decoder.decode(FrameCodec.encode(msg(1, 1)));
        decoder.endOfStream();
    }

    @Test
    void endOfStreamInsideAFrameIsAnUnexpectedEnd() throws CodecException {
        StreamingFrameDecoder decoder = new StreamingFrameDecoder();
        decoder.decode(new byte[] {5, 5});
        assertEquals(CodecException.Kind.UNEXPECTED_EOF, assertThrows(CodecException.class, decoder::endOfStream).kind());
    }

    @Test
    void aDeclaredSixteenMebibyteFrameCostsOnlyTheBytesReceived() throws CodecException {
        StreamingFrameDecoder decoder = new StreamingFrameDecoder();
        byte[] header = Varint.encode(FrameLimits.PROTOCOL_MAX_BODY);
        long before = Allocation.current();
        decoder.decode(ByteBuffer.wrap(header), f -> true);
        decoder.decode(ByteBuffer.wrap(new byte[] {5, 0, 0}), f -> true);
        long allocated = Allocation.current() - before;
        assertTrue(allocated < 64 * 1024, "allocated " + allocated + " bytes for 3 body bytes");
    }

    @Test
    void decodingALargeFrameAllocatesAboutItsSize() throws CodecException {
        Frame big = msg(1, 1 << 20);
        byte[] bytes = FrameCodec.encode(big);
        StreamingFrameDecoder decoder = new StreamingFrameDecoder();
        long before = Allocation.current();
        List<Frame> got = decoder.decode(bytes);
        long allocated = Allocation.current() - before;
        assertEquals(List.of(big), got);
        assertTrue(allocated < bytes.length + 64 * 1024, "allocated " + allocated + " for a " + bytes.length + "-byte frame");
    }

    @Test
    void frameLimitFailsAsSoonAsTheLengthPrefixIsComplete() {
        StreamingFrameDecoder decoder = new StreamingFrameDecoder(new FrameLimits(100, 100, 100));
        CodecException e = assertThrows(CodecException.class, () -> decoder.decode(Varint.encode(101)));
        assertEquals(CodecException.Kind.FRAME_TOO_LARGE, e.kind());
    }
}
