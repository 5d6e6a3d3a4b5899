package io.commucat.ccp.server.connect;

import io.commucat.ccp.client.handshake.DeviceHandshake;
import io.commucat.ccp.client.handshake.DeviceIdentity;
import io.commucat.ccp.client.handshake.EstablishedSession;
import io.commucat.ccp.client.handshake.UserHints;
import io.commucat.ccp.crypto.keys.DeviceKeyPair;
import io.commucat.ccp.crypto.noise.NoiseKeyPair;
import io.commucat.ccp.crypto.noise.NoisePattern;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameCodec;
import io.commucat.ccp.proto.StreamingFrameDecoder;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** A device built from the SDK's handshake, reading what a {@link ConnectFixture.Stream} wrote. */
final class TestDevice {

    DeviceIdentity identity;
    final ConnectFixture fixture;
    DeviceHandshake handshake;
    EstablishedSession established;
    private final Deque<Frame> plainFrames = new ArrayDeque<>();
    private StreamingFrameDecoder plainDecoder = new StreamingFrameDecoder();
    /** Bytes after the last plain frame: the start of the encrypted stream, read by {@link #readEncrypted}. */
    private byte[] leftover = new byte[0];

    TestDevice(ConnectFixture fixture, String deviceId) {
        this.fixture = fixture;
        this.identity = new DeviceIdentity(deviceId, DeviceKeyPair.generate(fixture.random),
                NoiseKeyPair.generate(fixture.random), null);
    }

    /** Starts a new attempt (a new stream) with the current identity. */
    TestDevice start(NoisePattern pattern, UserHints hints) {
        return start(pattern, hints, fixture.serverNoisePublic());
    }

    TestDevice start(NoisePattern pattern, UserHints hints, byte[] serverKey) {
        handshake = new DeviceHandshake(identity, ConnectFixture.DOMAIN, serverKey, DeviceHandshake.defaultPrologue(),
                pattern, hints, fixture.random);
        established = null;
        plainFrames.clear();
        plainDecoder = new StreamingFrameDecoder();
        leftover = new byte[0];
        return this;
    }

    byte[] hello() throws Exception {
        return FrameCodec.encode(handshake.hello());
    }

    /** The next plain (bootstrap) frame the stream wrote. */
    Frame nextPlain(ConnectFixture.Stream stream) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (plainFrames.isEmpty()) {
            byte[] bytes = leftover.length > 0 ? leftover : stream.down.drain();
            leftover = new byte[0];
            if (bytes.length > 0) {
                // One frame at a time: what follows the Ack is already encrypted.
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                plainDecoder.decode(buffer, f -> {
                    plainFrames.add(f);
                    return false;
                });
                leftover = new byte[buffer.remaining()];
                buffer.get(leftover);
                continue;
            }
            if (stream.down.isClosed() || System.nanoTime() > deadline) {
                throw new AssertionError("no frame; stream closed=" + stream.down.isClosed());
            }
            Thread.sleep(5);
        }
        return plainFrames.poll();
    }

    /** Hello → Auth → Auth → Ack on {@code stream}; returns the established session. */
    EstablishedSession bootstrap(ConnectFixture.Stream stream) throws Exception {
        stream.send(hello());
        Frame auth = handshake.onServerAuth(nextPlain(stream));
        stream.send(FrameCodec.encode(auth));
        established = handshake.onAck(nextPlain(stream));
        identity = identity.withCertificate(established.certificate());
        return established;
    }

    /** Encrypted frames written so far (after the Ack). */
    List<Frame> readEncrypted(ConnectFixture.Stream stream) throws Exception {
        List<Frame> frames = new ArrayList<>();
        byte[] drained = stream.down.drain();
        byte[] bytes = new byte[leftover.length + drained.length];
        System.arraycopy(leftover, 0, bytes, 0, leftover.length);
        System.arraycopy(drained, 0, bytes, leftover.length, drained.length);
        leftover = new byte[0];
        established.frames().open(bytes, 0, bytes.length, frames::add);
        return frames;
    }

    /** Waits for at least one encrypted frame. */
    List<Frame> awaitEncrypted(ConnectFixture.Stream stream) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        List<Frame> frames = new ArrayList<>();
        while (frames.isEmpty()) {
            frames.addAll(readEncrypted(stream));
            if (frames.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no encrypted frame");
                }
                Thread.sleep(5);
            }
        }
        return frames;
    }

    byte[] seal(Frame frame) throws Exception {
        return established.frames().seal(frame);
    }
}
