package io.commucat.ccp.crypto.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.proto.CodecException;
import io.commucat.ccp.proto.ControlJson;
import io.commucat.ccp.proto.FrameCodec;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SecureFrameStreamTest {

    private static final byte[] PROLOGUE = "commucat".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    private SecureFrameStream device;
    private SecureFrameStream server;

    @BeforeEach
    void handshake() throws NoiseException {
        NoiseKeyPair serverKey = NoiseKeyPair.generate(RANDOM);
        NoiseHandshake initiator = NoiseHandshake.initiator(NoisePattern.XK, NoiseKeyPair.generate(RANDOM),
                serverKey.publicKey(), PROLOGUE);
        NoiseHandshake responder = NoiseHandshake.responder(NoisePattern.XK, serverKey, PROLOGUE);
        responder.readMessage(initiator.writeMessage(new byte[0]));
        initiator.readMessage(responder.writeMessage(new byte[0]));
        responder.readMessage(initiator.writeMessage(new byte[0]));
        device = new SecureFrameStream(initiator.split());
        server = new SecureFrameStream(responder.split());
    }

    private static List<Frame> open(SecureFrameStream stream, byte[] wire) throws Exception {
        List<Frame> frames = new ArrayList<>();
        stream.open(wire, 0, wire.length, frames::add);
        return frames;
    }

    @Test
    void framesTravelBothWays() throws Exception {
        Frame presence = Frame.control(FrameType.PRESENCE, 0, 1, ControlJson.object().put("state", "online"));
        Frame ack = Frame.control(FrameType.ACK, 0, 1, ControlJson.object().put("ack", 1));
        assertEquals(List.of(presence), open(server, device.seal(presence)));
        assertEquals(List.of(ack), open(device, server.seal(ack)));
    }

    @Test
    void aFrameLargerThanOneNoiseMessageIsSplitAndReassembled() throws Exception {
        byte[] payload = new byte[200_000];
        RANDOM.nextBytes(payload);
        Frame big = Frame.opaque(FrameType.MSG, 5, 9, payload);
        byte[] wire = device.seal(big);
        assertTrue(wire.length > 3 * NoiseTransport.MAX_MESSAGE_LENGTH, "spans several records");
        assertEquals(List.of(big), open(server, wire));
    }

    @Test
    void aBatchSealsIntoOneArrayThatOpensToTheSameFramesInOrder() throws Exception {
        Frame small = Frame.opaque(FrameType.MSG, 1, 1, new byte[] {1, 2, 3});
        Frame big = Frame.opaque(FrameType.MSG, 1, 2, new byte[150_000]);
        Frame ack = Frame.control(FrameType.ACK, 1, 3, ControlJson.object().put("ack", 7));
        byte[] wire = device.seal(List.of(small, big, ack));
        int expected = 0;
        for (Frame f : List.of(small, big, ack)) {
            expected += NoiseTransport.sealedLength(f.encodedLength());
        }
        assertEquals(expected, wire.length, "exactly the records each frame would have had on its own");
        assertEquals(List.of(small, big, ack), open(server, wire));
        // The nonces went on with the batch: a frame sealed alone afterwards still opens.
        assertEquals(List.of(small), open(server, device.seal(small)));
    }

    @Test
    void anEmptyBatchSealsToNothing() throws Exception {
        assertEquals(0, device.seal(List.of()).length);
        Frame ack = Frame.control(FrameType.ACK, 1, 3, ControlJson.object().put("ack", 7));
        assertEquals(List.of(ack), open(server, device.seal(ack)));
    }

    @Test
    void oneByteAtATimeDeliversTheSameFrames() throws Exception {
        Frame a = Frame.opaque(FrameType.MSG, 1, 1, new byte[70_000]);
        Frame b = Frame.control(FrameType.TYPING, 1, 2, ControlJson.object().put("typing", true));
        byte[] first = device.seal(a);
        byte[] second = device.seal(b);
        List<Frame> frames = new ArrayList<>();
        for (byte[] wire : List.of(first, second)) {
            for (int i = 0; i < wire.length; i++) {
                server.open(wire, i, 1, frames::add);
            }
        }
        assertEquals(List.of(a, b), frames);
    }

    @Test
    void severalFramesInOneRecordBatchAreAllDelivered() throws Exception {
        Frame a = Frame.opaque(FrameType.MSG, 1, 1, new byte[] {1});
        Frame b = Frame.opaque(FrameType.MSG, 1, 2, new byte[] {2});
        byte[] both = concat(device.seal(a), device.seal(b));
        assertEquals(List.of(a, b), open(server, both));
    }

    @Test
    void tamperedCiphertextEndsTheStream() throws Exception {
        byte[] wire = device.seal(Frame.opaque(FrameType.MSG, 1, 1, new byte[] {1, 2, 3}));
        wire[wire.length - 1] ^= 1;
        NoiseException e = assertThrows(NoiseException.class, () -> open(server, wire));
        assertEquals(NoiseException.Kind.DECRYPT, e.kind());
        assertEquals(NoiseTransport.State.FAILED, server.state());
    }

    /** A device side that seals any plaintext (frames or not), and the stream receiving it. */
    private record RawPair(NoiseTransport raw, SecureFrameStream receiving) {
    }

    private static RawPair rawPair() throws Exception {
        NoiseKeyPair serverKey = NoiseKeyPair.generate(RANDOM);
        NoiseHandshake initiator = NoiseHandshake.initiator(NoisePattern.IK, NoiseKeyPair.generate(RANDOM),
                serverKey.publicKey(), PROLOGUE);
        NoiseHandshake responder = NoiseHandshake.responder(NoisePattern.IK, serverKey, PROLOGUE);
        responder.readMessage(initiator.writeMessage(new byte[0]));
        initiator.readMessage(responder.writeMessage(new byte[0]));
        return new RawPair(initiator.split(), new SecureFrameStream(responder.split()));
    }

    @Test
    void garbageInsideTheEncryptionIsACodecError() throws Exception {
        // An authentic record whose plaintext is not a frame: the decoded stream fails.
        RawPair pair = rawPair();
        NoiseTransport raw = pair.raw();
        SecureFrameStream receiving = pair.receiving();
        byte[] wire = raw.seal(new byte[] {4, 0x7f, 0, 0, 0});
        CodecException e = assertThrows(CodecException.class, () -> open(receiving, wire));
        assertEquals(CodecException.Kind.INVALID_FRAME_TYPE, e.kind());
    }

    @Test
    void aCodecErrorEndsReadingButLeavesSealingOpenForTheErrorFrame() throws Exception {
        RawPair pair = rawPair();
        NoiseTransport raw = pair.raw();
        SecureFrameStream receiving = pair.receiving();
        byte[] garbage = raw.seal(new byte[] {4, 0x7f, 0, 0, 0});
        assertThrows(CodecException.class, () -> open(receiving, garbage));

        Frame error = Frame.control(FrameType.ERROR, 0, 1, ControlJson.object().put("error", "decode"));
        byte[] sealed = receiving.seal(error);

        assertEquals(NoiseTransport.State.OPEN, receiving.state());
        assertArrayEquals(FrameCodec.encode(error), raw.open(sealed));
        byte[] more = raw.seal(FrameCodec.encode(error));
        assertThrows(CodecException.class, () -> open(receiving, more), "reading stays failed");
    }

    @Test
    void endOfStreamInsideAFrameIsAnUnexpectedEnd() throws Exception {
        byte[] wire = device.seal(Frame.opaque(FrameType.MSG, 1, 1, new byte[100_000]));
        server.open(wire, 0, NoiseTransport.MAX_MESSAGE_LENGTH + 3, f -> true);
        CodecException e = assertThrows(CodecException.class, server::endOfStream);
        assertEquals(CodecException.Kind.UNEXPECTED_EOF, e.kind());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
