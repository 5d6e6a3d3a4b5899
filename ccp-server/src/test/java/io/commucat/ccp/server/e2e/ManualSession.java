package io.commucat.ccp.server.e2e;

import io.commucat.ccp.client.handshake.DeviceHandshake;
import io.commucat.ccp.client.handshake.EstablishedSession;
import io.commucat.ccp.client.transport.ConnectStream;
import io.commucat.ccp.client.transport.H2Connection;
import io.commucat.ccp.client.transport.StreamClosure;
import io.commucat.ccp.client.transport.StreamListener;
import io.commucat.ccp.crypto.noise.SecureFrameStream;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameCodec;
import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.proto.StreamingFrameDecoder;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An established session whose encrypted bytes the test writes itself, so it can stop in the
 * middle of a frame (what the SDK never does). The handshake is the SDK's ({@link
 * DeviceHandshake}); received frames are decrypted into {@link #frames}.
 */
final class ManualSession extends StreamListener {

    final LinkedBlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    final CompletableFuture<StreamClosure> closed = new CompletableFuture<>();
    private final CompletableFuture<EstablishedSession> established = new CompletableFuture<>();
    private final StreamingFrameDecoder bootstrap = new StreamingFrameDecoder();
    private final DeviceHandshake handshake;
    private ConnectStream stream;
    /** Guarded by itself: sealed on the test thread, opened on the client loop. */
    private SecureFrameStream secure;
    private long sequence;

    private ManualSession(DeviceHandshake handshake) {
        this.handshake = handshake;
    }

    static ManualSession establish(H2Connection connection, DeviceHandshake handshake) throws Exception {
        ManualSession session = new ManualSession(handshake);
        session.stream = connection.openConnect(session).get(DeviceRun.WAIT_SECONDS, TimeUnit.SECONDS);
        session.stream.write(FrameCodec.encode(handshake.hello())).get(DeviceRun.WAIT_SECONDS, TimeUnit.SECONDS);
        EstablishedSession established = session.established.get(DeviceRun.WAIT_SECONDS, TimeUnit.SECONDS);
        session.secure = established.frames();
        session.sequence = handshake.nextSequence();
        return session;
    }

    long nextSequence() {
        return sequence++;
    }

    /** The wire bytes of {@code frame}, sealed now (so they must be sent before anything sealed later). */
    byte[] seal(Frame frame) throws Exception {
        synchronized (this) {
            return secure.seal(frame);
        }
    }

    void write(byte[] wire, int from, int to) throws Exception {
        stream.write(Arrays.copyOfRange(wire, from, to)).get(DeviceRun.WAIT_SECONDS, TimeUnit.SECONDS);
    }

    /** Writes, and waits, but accepts that the server ended the stream meanwhile. */
    void writeQuietly(byte[] wire, int from, int to) throws InterruptedException {
        try {
            write(wire, from, to);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            // The stream is gone; what the server said before is in the frames.
        }
    }

    /** Resets the stream (RST_STREAM CANCEL). */
    void cancel() {
        stream.cancel();
    }

    Frame nextFrame() throws InterruptedException {
        Frame frame = frames.poll(DeviceRun.WAIT_SECONDS, TimeUnit.SECONDS);
        if (frame == null) {
            throw new AssertionError("no frame within " + DeviceRun.WAIT_SECONDS + " s; closed=" + closed.getNow(null));
        }
        return frame;
    }

    /** The answer (Ack or Error) to the frame with {@code sequence}. */
    Frame answerTo(long sequenceNumber) throws InterruptedException {
        while (true) {
            Frame frame = nextFrame();
            if ((frame.type() == FrameType.ACK || frame.type() == FrameType.ERROR)
                    && frame.control().json().path("ack").asLong(-1) == sequenceNumber) {
                return frame;
            }
        }
    }

    @Override
    public void onData(byte[] data) {
        try {
            if (!established.isDone()) {
                ByteBuffer buffer = ByteBuffer.wrap(data);
                bootstrap.decode(buffer, frame -> {
                    try {
                        if (frame.type() == FrameType.AUTH) {
                            stream.write(FrameCodec.encode(handshake.onServerAuth(frame)));
                            return true;
                        }
                        EstablishedSession session = handshake.onAck(frame);
                        synchronized (this) {
                            secure = session.frames();
                        }
                        established.complete(session);
                        return false;
                    } catch (Exception e) {
                        established.completeExceptionally(e);
                        return false;
                    }
                });
                if (buffer.hasRemaining() && established.isDone()) {
                    open(data, buffer.position(), buffer.remaining());
                }
                return;
            }
            open(data, 0, data.length);
        } catch (Exception e) {
            established.completeExceptionally(e);
            frames.add(Frame.control(FrameType.ERROR, 0, 0, io.commucat.ccp.proto.ControlJson.object()
                    .put("error", "client-side: " + e)));
        }
    }

    private synchronized void open(byte[] data, int off, int len) throws Exception {
        secure.open(data, off, len, frames::add);
    }

    @Override
    public void onClosed(StreamClosure closure) {
        closed.complete(closure);
    }
}
