package io.commucat.ccp.client.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link ConnectStream} on one HTTP/2 stream (a child channel of its {@link H2Connection}).
 * HTTP/2 flow control is respected: bytes beyond the server's window wait in Netty's queue, and
 * {@link #isWritable()} turns false when too much waits. Thread-safe.
 */
final class H2Stream extends ChannelStream<Http2StreamChannel> {

    H2Stream(Http2StreamChannel channel) {
        super(channel);
    }

    /** One DATA frame (Netty splits it further to the peer's frame size and window), END_STREAM when {@code endStream}. */
    @Override
    public CompletableFuture<Void> write(byte[] bytes, boolean endStream) {
        return Futures.of(channel.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(bytes), endStream)));
    }

    /** An empty DATA frame with END_STREAM. */
    @Override
    public CompletableFuture<Void> endUpstream() {
        return Futures.of(channel.writeAndFlush(new DefaultHttp2DataFrame(true)));
    }

    /** Resets the stream with CANCEL. */
    @Override
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

    @Override
    public String toString() {
        return "H2Stream[" + channel.stream().id() + (channel.isActive() ? "" : ", closed") + "]";
    }
}
