package io.commucat.ccp.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A WebSocket {@code /connect} (ccp-1.md §1.2), after the upgrade: the same for RFC 6455 on an
 * HTTP/1.1 connection and RFC 8441 on an HTTP/2 stream (the pipeline below this handler differs,
 * see {@link WebSocketUpgrade}). Only moves bytes: each session write is one binary message;
 * data frames go upstream as {@link WebSocketUpstream} reads them; Ping is answered with Pong.
 *
 * <p>Close codes say why: 1000 when the session ended, 1001 when the server shuts down (after
 * the session's own goodbye), 1007 for a text message that is not base64, 1008 when the reader
 * stalled (see {@link ConnectBridge}); Netty's frame decoder sends 1002 for a protocol violation
 * and 1009 for a frame over the limit. A peer's Close is answered with 1000 and ends the session.
 * After a Close went out nothing more is sent or read.
 *
 * <p>Threading: event loop of the channel only; one instance per exchange.
 */
final class WebSocketConnectHandler extends ChannelInboundHandlerAdapter implements ConnectTransport {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketConnectHandler.class);

    private final ServerContext context;
    private final String remoteAddress;
    private final WebSocketUpstream upstream = new WebSocketUpstream();
    private ChannelHandlerContext ctx;
    private ConnectBridge bridge;
    /** A Close frame went out (or the decoder sent one): the exchange is over. */
    private boolean closing;
    private boolean goingAway;

    /** @param remoteAddress the client (the TCP peer, or behind a trusted proxy the forwarded address) */
    WebSocketConnectHandler(ServerContext context, String remoteAddress) {
        this.context = context;
        this.remoteAddress = remoteAddress;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        ctx.channel().config().setAutoRead(false);
        bridge = new ConnectBridge(this, context);
        bridge.start();
    }

    /** Server shutdown reached this connection (HTTP/1.1 drain): close with 1001 unless already closing. */
    void drain() {
        goingAway = true;
        closeWith(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (closing || !(msg instanceof WebSocketFrame frame)) {
                return; // After a Close, or bytes a proxy adapter let through: nothing more is read.
            }
            if (frame instanceof PingWebSocketFrame) {
                ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
                bridge.onUpstream(Unpooled.EMPTY_BUFFER);
            } else if (frame instanceof PongWebSocketFrame) {
                bridge.onUpstream(Unpooled.EMPTY_BUFFER);
            } else if (frame instanceof CloseWebSocketFrame) {
                closeWith(WebSocketCloseStatus.NORMAL_CLOSURE);
            } else {
                ByteBuf bytes = upstream.accept(frame);
                try {
                    bridge.onUpstream(bytes);
                } finally {
                    bytes.release();
                }
            }
        } catch (CorruptedWebSocketFrameException e) {
            LOG.debug("{}: {}, closing {}", remoteAddress, e.getMessage(), e.closeStatus().code());
            closeWith(e.closeStatus());
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /** The end of an HTTP/2 stream's request without a Close (an RFC 8441 client's "FIN"). */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == WebSocketUpgrade.STREAM_ENDED) {
            closeWith(WebSocketCloseStatus.NORMAL_CLOSURE);
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            bridge.onWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        bridge.onTransportClosed();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Netty's frame decoder has already sent its Close (1002, 1007, 1009) for a violation.
        LOG.debug("WebSocket /connect {} failed: {}", ctx.channel(), cause.toString());
        closing = true;
        ctx.close();
    }

    /**
     * Sends one Close frame, then closes the exchange once it is out and tells the session.
     * A peer that takes nothing more is closed after the stall timeout all the same. Idempotent.
     */
    private void closeWith(WebSocketCloseStatus status) {
        if (closing) {
            return;
        }
        closing = true;
        ctx.writeAndFlush(new CloseWebSocketFrame(status)).addListener(ChannelFutureListener.CLOSE);
        ScheduledFuture<?> deadline = ctx.executor().schedule(() -> ctx.close(),
                context.downstream().stallTimeout().toNanos(), TimeUnit.NANOSECONDS);
        ctx.channel().closeFuture().addListener(f -> deadline.cancel(false));
        bridge.onTransportClosed();
    }

    // ---- ConnectTransport ----

    @Override
    public EventLoop eventLoop() {
        return ctx.channel().eventLoop();
    }

    @Override
    public String remoteAddress() {
        return remoteAddress;
    }

    @Override
    public ChannelFuture send(ByteBuf bytes) {
        if (closing) {
            bytes.release();
            return ctx.newSucceededFuture();
        }
        return ctx.writeAndFlush(new BinaryWebSocketFrame(bytes));
    }

    @Override
    public void end(boolean upstreamEnded) {
        closeWith(goingAway ? WebSocketCloseStatus.ENDPOINT_UNAVAILABLE : WebSocketCloseStatus.NORMAL_CLOSURE);
    }

    /** The reader stalled: the Close is sent for the record, but nothing waits for it to leave. */
    @Override
    public void abort() {
        if (closing) {
            return;
        }
        closing = true;
        ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.POLICY_VIOLATION));
        Http2WebSocketStream stream = ctx.pipeline().get(Http2WebSocketStream.class);
        if (stream != null) {
            stream.reset(ctx.pipeline().context(stream));
        } else {
            ctx.close();
        }
    }

    @Override
    public void goingAway() {
        goingAway = true;
    }

    @Override
    public boolean isWritable() {
        return ctx.channel().isWritable();
    }

    @Override
    public void requestUpstream() {
        if (!closing) {
            ctx.read();
        }
    }
}
