package io.commucat.ccp.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The bottom of an RFC 8441 WebSocket on one HTTP/2 stream: request DATA becomes the bytes
 * Netty's WebSocket frame decoder reads, the encoder's bytes become response DATA. Closing the
 * exchange ends the response (END_STREAM after what was written, so a Close frame is not lost
 * to a reset), then waits a little for the client to end its side, else resets the stream with
 * {@code NO_ERROR} (RFC 9113 §8.1); a reset from the peer closes the stream channel. The parent's
 * {@link Http2Liveness} pings while this is open. Event loop only; one instance per stream.
 */
final class Http2WebSocketStream extends ChannelDuplexHandler {

    /** How long a client has to end its side after the server's Close. */
    static final Duration CLOSE_GRACE = Duration.ofSeconds(5);

    private boolean requestEnded;
    private boolean responseEnded;
    /** The close waiting for the client to end its side. */
    private ChannelPromise pendingClose;
    private ScheduledFuture<?> grace;
    private Http2Liveness liveness;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        liveness = ctx.channel().parent().pipeline().get(Http2Liveness.class);
        if (liveness != null) {
            liveness.connectOpened();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (pendingClose != null) {
            // After our Close: only the end of the request matters.
            boolean ended = msg instanceof Http2DataFrame data && data.isEndStream()
                    || msg instanceof Http2HeadersFrame trailers && trailers.isEndStream();
            ReferenceCountUtil.release(msg);
            if (ended) {
                requestEnded = true;
                grace.cancel(false);
                ChannelPromise promise = pendingClose;
                pendingClose = null;
                ctx.close(promise);
            }
            return;
        }
        boolean ended = false;
        if (msg instanceof Http2DataFrame data) {
            ended = data.isEndStream();
            ByteBuf content = data.content().retain();
            ReferenceCountUtil.release(msg);
            if (content.isReadable()) {
                ctx.fireChannelRead(content);
            } else {
                content.release();
            }
        } else {
            ended = msg instanceof Http2HeadersFrame trailers && trailers.isEndStream();
            ReferenceCountUtil.release(msg);
        }
        if (ended && !requestEnded) {
            requestEnded = true;
            ctx.fireUserEventTriggered(WebSocketUpgrade.STREAM_ENDED);
        }
    }

    /** Netty hands a stream's RST_STREAM to its child channel as a user event, not a read. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof Http2ResetFrame) {
            requestEnded = true;
            responseEnded = true;
            ctx.close();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf bytes) {
            ctx.write(new DefaultHttp2DataFrame(bytes, false), promise);
        } else {
            ctx.write(msg, promise);
        }
    }

    /** Cuts the stream at once (RST_STREAM CANCEL): a reader that stalled gets no orderly end. */
    void reset(ChannelHandlerContext ctx) {
        responseEnded = true;
        ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL)).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * Ends the response after what was written (the Close frame). The client answers a Close
     * with its own and ends its side (RFC 6455 §7.1.1); until then, for at most {@link
     * #CLOSE_GRACE}, the stream is read and what comes is dropped. A reset right away could
     * make a client drop the Close it has not read yet.
     */
    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (responseEnded || !ctx.channel().isActive()) {
            ctx.close(promise);
            return;
        }
        responseEnded = true;
        ctx.writeAndFlush(new DefaultHttp2DataFrame(true)).addListener(f -> {
            if (requestEnded || !f.isSuccess()) {
                ctx.close(promise);
                return;
            }
            pendingClose = promise;
            grace = ctx.executor().schedule(() -> resetAndClose(ctx), CLOSE_GRACE.toNanos(), TimeUnit.NANOSECONDS);
            ctx.channel().config().setAutoRead(true);
            ctx.read();
        });
    }

    /** The client did not end its side in time: RST_STREAM(NO_ERROR), RFC 9113 §8.1. */
    private void resetAndClose(ChannelHandlerContext ctx) {
        ChannelPromise promise = pendingClose;
        if (promise == null) {
            return;
        }
        pendingClose = null;
        ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.NO_ERROR))
                .addListener((ChannelFutureListener) r -> ctx.close(promise));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (pendingClose != null) {
            grace.cancel(false);
            pendingClose.trySuccess();
            pendingClose = null;
        }
        if (liveness != null) {
            liveness.connectClosed();
            liveness = null;
        }
        ctx.fireChannelInactive();
    }
}
