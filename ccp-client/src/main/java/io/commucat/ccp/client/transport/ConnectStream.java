package io.commucat.ccp.client.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.util.concurrent.CompletableFuture;

/**
 * One open HTTP/2 request stream, full duplex: the request body goes up with {@link #write}
 * while the response arrives at the {@link StreamListener}. For {@code /connect} these are the
 * upstream and downstream bytes of a device session (ccp-1.md §1).
 *
 * <p>Thread-safe: any thread may call any method. Writes are queued onto the connection's event
 * loop in the order they are made (from one thread; writes racing from several threads are
 * ordered as they reach the loop). HTTP/2 flow control is respected: bytes beyond the server's
 * window wait in Netty's queue, and {@link #isWritable()} turns false when too much waits.
 */
public final class ConnectStream {

    private final Http2StreamChannel channel;

    ConnectStream(Http2StreamChannel channel) {
        this.channel = channel;
    }

    /**
     * Sends {@code bytes} as one DATA frame (Netty splits it further to the peer's frame size and
     * window). The array must not be changed afterwards. Completes when written to the socket.
     */
    public CompletableFuture<Void> write(byte[] bytes) {
        return write(bytes, false);
    }

    /** Sends {@code bytes}, with END_STREAM when {@code endStream}. */
    public CompletableFuture<Void> write(byte[] bytes, boolean endStream) {
        return Futures.of(channel.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(bytes), endStream)));
    }

    /** Ends the request body (an empty DATA frame with END_STREAM); the response may go on. */
    public CompletableFuture<Void> endUpstream() {
        return Futures.of(channel.writeAndFlush(new DefaultHttp2DataFrame(true)));
    }

    /** Resets the stream with CANCEL; the listener then sees {@link StreamClosure.Kind#CANCELLED}. */
    public void cancel() {
        if (channel.isActive()) {
            StreamHandler handler = channel.pipeline().get(StreamHandler.class);
            if (handler != null) {
                channel.eventLoop().execute(handler::markCancelled);
            }
            ChannelFuture reset = channel.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL));
            reset.addListener(f -> channel.close());
        }
    }

    /** Whether a write now would be sent without waiting in Netty's buffer (flow control, socket). */
    public boolean isWritable() {
        return channel.isWritable();
    }

    /** Stops delivering response bytes (and so stops returning HTTP/2 window to the server). */
    public void pauseReading() {
        channel.config().setAutoRead(false);
    }

    /** Delivers response bytes again after {@link #pauseReading()}. */
    public void resumeReading() {
        channel.config().setAutoRead(true);
        channel.read();
    }

    /** Whether the stream is still open. */
    public boolean isOpen() {
        return channel.isActive();
    }

    /** The HTTP/2 stream id (odd, assigned by the client). */
    public int id() {
        return channel.stream().id();
    }

    /** The loop where this stream's listener runs (shared with its connection). */
    public EventLoop eventLoop() {
        return channel.eventLoop();
    }

    @Override
    public String toString() {
        return "ConnectStream[" + channel.stream().id() + (channel.isActive() ? "" : ", closed") + "]";
    }
}
