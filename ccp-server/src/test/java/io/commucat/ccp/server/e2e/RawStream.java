package io.commucat.ccp.server.e2e;

import io.commucat.ccp.client.transport.ConnectStream;
import io.commucat.ccp.client.transport.H2Connection;
import io.commucat.ccp.client.transport.StreamClosure;
import io.commucat.ccp.client.transport.StreamListener;
import io.commucat.ccp.proto.CodecException;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.proto.StreamingFrameDecoder;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@code /connect} stream driven by hand: the test writes any bytes and reads the plain
 * (bootstrap) frames the server answers. For attacks and odd chunkings the SDK never makes.
 */
final class RawStream extends StreamListener {

    final LinkedBlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    final CompletableFuture<StreamClosure> closed = new CompletableFuture<>();
    final CompletableFuture<Integer> status = new CompletableFuture<>();
    private final StreamingFrameDecoder decoder = new StreamingFrameDecoder();
    ConnectStream stream;

    static RawStream open(H2Connection connection) throws Exception {
        RawStream raw = new RawStream();
        raw.stream = connection.openConnect(raw).get(DeviceRun.WAIT_SECONDS, TimeUnit.SECONDS);
        return raw;
    }

    void send(byte[] bytes) throws Exception {
        stream.write(bytes).get(DeviceRun.WAIT_SECONDS, TimeUnit.SECONDS);
    }

    Frame nextFrame() throws InterruptedException {
        Frame frame = frames.poll(DeviceRun.WAIT_SECONDS, TimeUnit.SECONDS);
        if (frame == null) {
            throw new AssertionError("no frame within " + DeviceRun.WAIT_SECONDS + " s; closed=" + closed.getNow(null));
        }
        return frame;
    }

    StreamClosure awaitClosed() throws Exception {
        return closed.get(DeviceRun.WAIT_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void onResponseHead(int code, Map<String, String> headers) {
        status.complete(code);
    }

    @Override
    public void onData(byte[] data) {
        try {
            decoder.decode(ByteBuffer.wrap(data), frame -> {
                if (frame.type() == FrameType.AUTH || frame.type() == FrameType.ACK) {
                    String token = frame.control().text("session");
                    if (token != null) {
                        DeviceRun.TOKENS.add(token);
                    }
                }
                return frames.add(frame);
            });
        } catch (CodecException e) {
            throw new IllegalStateException("the server sent an undecodable plain frame", e);
        }
    }

    @Override
    public void onClosed(StreamClosure closure) {
        closed.complete(closure);
    }
}
