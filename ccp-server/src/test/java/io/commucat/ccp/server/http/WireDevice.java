package io.commucat.ccp.server.http;

import io.commucat.ccp.client.handshake.DeviceHandshake;
import io.commucat.ccp.client.handshake.EstablishedSession;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameCodec;
import io.commucat.ccp.proto.StreamingFrameDecoder;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

/**
 * A device over any {@link ConnectClient}: the SDK's {@link DeviceHandshake} in plain frames
 * until the Ack, then Noise records both ways. Knows nothing of the transport mode underneath.
 * Test thread only.
 */
final class WireDevice {

    private final ConnectClient client;
    private final DeviceHandshake handshake;
    private final StreamingFrameDecoder plain = new StreamingFrameDecoder();
    private final Deque<Frame> received = new ArrayDeque<>();
    /** Downstream bytes not decoded yet (after the Ack they are the start of the Noise records). */
    private byte[] leftover = new byte[0];
    private EstablishedSession session;
    private long sequence;

    WireDevice(ConnectClient client, DeviceHandshake handshake) {
        this.client = client;
        this.handshake = handshake;
    }

    /** Hello → Auth → Auth → Ack. */
    EstablishedSession bootstrap() throws Exception {
        client.send(FrameCodec.encode(handshake.hello()));
        client.send(FrameCodec.encode(handshake.onServerAuth(nextPlain())));
        session = handshake.onAck(nextPlain());
        sequence = handshake.nextSequence();
        return session;
    }

    /** Seals and sends the frame {@code build} makes for the next sequence number; returns that number. */
    long send(LongFunction<Frame> build) throws Exception {
        long seq = sequence++;
        client.send(session.frames().seal(build.apply(seq)));
        return seq;
    }

    /** The next encrypted frame the server sent. */
    Frame next() throws Exception {
        while (received.isEmpty()) {
            byte[] bytes = leftover.length > 0 ? leftover : take();
            leftover = new byte[0];
            session.frames().open(bytes, 0, bytes.length, received::add);
        }
        return received.poll();
    }

    /** One plain frame, leaving what follows it for the next read: the Ack may share a piece with records. */
    private Frame nextPlain() throws Exception {
        Frame[] frame = new Frame[1];
        while (frame[0] == null) {
            ByteBuffer bytes = ByteBuffer.wrap(leftover.length > 0 ? leftover : take());
            plain.decode(bytes, f -> {
                frame[0] = f;
                return false;
            });
            leftover = Arrays.copyOfRange(bytes.array(), bytes.position(), bytes.limit());
        }
        return frame[0];
    }

    private byte[] take() throws InterruptedException {
        byte[] piece = client.downstream().poll(10, TimeUnit.SECONDS);
        if (piece == null) {
            throw new AssertionError("the server sent nothing; response ended: " + client.ended().isDone());
        }
        return piece;
    }
}
