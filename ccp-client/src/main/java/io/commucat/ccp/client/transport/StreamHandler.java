package io.commucat.ccp.client.transport;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Turns one stream child channel's events into {@link StreamListener} calls. Flow-control
 * window goes back (inside Netty's stream channel) once {@link #channelRead} has returned, that
 * is after the listener consumed the bytes. Event loop only.
 */
final class StreamHandler extends ChannelInboundHandlerAdapter {

    private static final System.Logger LOG = System.getLogger(StreamHandler.class.getName());

    private final StreamListener listener;
    private boolean headReceived;
    private boolean downstreamEnded;
    private boolean cancelled;
    private Long resetCode;
    private boolean closed;

    StreamHandler(StreamListener listener) {
        this.listener = listener;
    }

    void markCancelled() {
        cancelled = true;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (closed) {
                return;
            }
            if (msg instanceof Http2HeadersFrame headers) {
                if (!headReceived) {
                    headReceived = true;
                    listener.onResponseHead(status(headers.headers()), toMap(headers.headers()));
                }
                if (headers.isEndStream()) {
                    downstreamEnded();
                }
            } else if (msg instanceof Http2DataFrame data) {
                if (data.content().isReadable()) {
                    listener.onData(ByteBufUtil.getBytes(data.content()));
                }
                if (data.isEndStream()) {
                    downstreamEnded();
                }
            }
        } catch (RuntimeException e) {
            listenerFailed(ctx, e);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        // Netty delivers RST_STREAM as a user event: it is not flow-controlled.
        if (event instanceof Http2ResetFrame reset) {
            resetCode = reset.errorCode();
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (!closed) {
            try {
                listener.onWritabilityChanged(ctx.channel().isWritable());
            } catch (RuntimeException e) {
                listenerFailed(ctx, e);
            }
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!closed) {
            closed = true;
            StreamClosure closure;
            if (downstreamEnded) {
                closure = new StreamClosure(StreamClosure.Kind.COMPLETED, resetCode == null ? 0 : resetCode);
            } else if (resetCode != null) {
                closure = new StreamClosure(StreamClosure.Kind.RESET, resetCode);
            } else if (cancelled) {
                closure = new StreamClosure(StreamClosure.Kind.CANCELLED, Http2Error.CANCEL.code());
            } else {
                closure = new StreamClosure(StreamClosure.Kind.CONNECTION_LOST, 0);
            }
            try {
                listener.onClosed(closure);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "stream listener failed in onClosed", e);
            }
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(System.Logger.Level.DEBUG, "stream failed", cause);
        ctx.close();
    }

    private void downstreamEnded() {
        if (!downstreamEnded) {
            downstreamEnded = true;
            listener.onDownstreamEnd();
        }
    }

    private void listenerFailed(ChannelHandlerContext ctx, RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "stream listener failed; cancelling the stream", e);
        cancelled = true;
        ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL)).addListener(f -> ctx.close());
    }

    private static int status(Http2Headers headers) {
        CharSequence status = headers.status();
        try {
            return status == null ? 0 : Integer.parseInt(status.toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static Map<String, String> toMap(Http2Headers headers) {
        Map<String, String> map = new LinkedHashMap<>();
        headers.forEach(h -> map.merge(h.getKey().toString().toLowerCase(Locale.ROOT), h.getValue().toString(),
                (a, b) -> a + ", " + b));
        return map;
    }
}
