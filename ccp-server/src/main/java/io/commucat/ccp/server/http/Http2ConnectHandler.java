package io.commucat.ccp.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code /connect} on one HTTP/2 stream, full duplex: request DATA → the session, session
 * writes → response DATA (binary, or SSE/NDJSON encoded). The stream's child channel runs with
 * autoRead off and its {@link ConnectDriver} ({@link ConnectBridge}, or a {@link LongPoll})
 * pulls; the parent's {@link Http2Liveness} pings while this is open. Event loop only.
 */
final class Http2ConnectHandler extends ChannelInboundHandlerAdapter implements ConnectTransport {

    private static final Logger LOG = LoggerFactory.getLogger(Http2ConnectHandler.class);

    private final ServerContext context;
    private final String route;
    private final String remoteAddress;
    private final boolean endAtHeaders;
    private final ConnectMode mode;
    private final Function<ConnectTransport, ConnectDriver> drivers;
    private ChannelHandlerContext ctx;
    private ConnectDriver driver;
    private Http2Liveness liveness;

    /**
     * @param remoteAddress the client (the TCP peer, or behind a trusted proxy the forwarded address)
     * @param drivers       what serves the exchange once the head is out (the plan's, {@link RequestPlan.Connect})
     */
    Http2ConnectHandler(ServerContext context, String route, String remoteAddress, boolean endAtHeaders,
            ConnectMode mode, Function<ConnectTransport, ConnectDriver> drivers) {
        this.context = context;
        this.route = route;
        this.remoteAddress = remoteAddress;
        this.endAtHeaders = endAtHeaders;
        this.mode = mode;
        this.drivers = drivers;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        ctx.channel().config().setAutoRead(false);
        context.metrics().request(route, 200);
        // The head goes out at once: the device learns the stream is accepted before any frame.
        ctx.writeAndFlush(new DefaultHttp2HeadersFrame(ResponseHeads.h2Connect(mode), false));
        liveness = ctx.channel().parent().pipeline().get(Http2Liveness.class);
        if (liveness != null) {
            liveness.connectOpened();
        }
        driver = drivers.apply(this);
        driver.start();
        if (endAtHeaders) {
            driver.onUpstreamEnd();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof Http2DataFrame data) {
                driver.onUpstream(data.content());
                if (data.isEndStream()) {
                    driver.onUpstreamEnd();
                }
            } else if (msg instanceof Http2HeadersFrame trailers && trailers.isEndStream()) {
                driver.onUpstreamEnd();
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /** Netty hands a stream's RST_STREAM to its child channel as a user event, not a read. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof Http2ResetFrame) {
            driver.onTransportClosed();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            driver.onWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        driver.onTransportClosed();
        if (liveness != null) {
            liveness.connectClosed();
            liveness = null;
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("/connect stream {} failed", ctx.channel(), cause);
        ctx.close();
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
        return ctx.writeAndFlush(new DefaultHttp2DataFrame(bytes, false));
    }

    @Override
    public void end(boolean upstreamEnded) {
        ChannelFuture ended = ctx.writeAndFlush(new DefaultHttp2DataFrame(true));
        if (!upstreamEnded) {
            // RFC 9113 §8.1: a complete response may be followed by RST_STREAM(NO_ERROR) so the
            // client stops sending a body nobody reads. NO_ERROR does not count as abuse.
            ended.addListener(f -> ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.NO_ERROR))
                    .addListener(ChannelFutureListener.CLOSE));
        }
    }

    @Override
    public void abort() {
        ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public boolean isWritable() {
        return ctx.channel().isWritable();
    }

    @Override
    public void requestUpstream() {
        ctx.read();
    }
}
