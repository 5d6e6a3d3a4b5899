package io.commucat.ccp.server.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.handler.ssl.SslHandler;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ccp-1.md §4.3 liveness for an HTTP/2 connection: while it carries at least one
 * {@code /connect} stream, a PING goes out every interval, and a connection whose previous PING
 * is still unanswered when the next one is due is closed. A peer that answers PINGs is never
 * cut off, however quiet its streams are. Sits between {@code Http2FrameCodec} and
 * {@code Http2MultiplexHandler}; event loop only (streams call in from child channels, which
 * share the parent's loop).
 */
final class Http2Liveness extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(Http2Liveness.class);
    private static final long NONE = Long.MIN_VALUE;

    private final long intervalNanos;
    private ChannelHandlerContext ctx;
    private int connectStreams;
    private ScheduledFuture<?> timer;
    private long awaiting = NONE;
    private long nextPayload = 1;

    Http2Liveness(Duration interval) {
        this.intervalNanos = interval.toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    void connectOpened() {
        if (connectStreams++ == 0 && ctx.channel().isActive()) {
            timer = ctx.executor().scheduleAtFixedRate(this::tick, intervalNanos, intervalNanos, TimeUnit.NANOSECONDS);
        }
    }

    void connectClosed() {
        if (--connectStreams == 0) {
            stop();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2PingFrame ping && ping.ack() && ping.content() == awaiting) {
            awaiting = NONE;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stop();
        ctx.fireChannelInactive();
    }

    private void tick() {
        if (awaiting != NONE) {
            LOG.info("{}: no PING ACK within {} ms, closing the connection", ctx.channel().remoteAddress(),
                    TimeUnit.NANOSECONDS.toMillis(intervalNanos));
            stop();
            // Close below the HTTP/2 codec: its graceful close would wait for the streams of a peer
            // that is gone. TLS still sends close_notify.
            ChannelHandlerContext tls = ctx.pipeline().context(SslHandler.class);
            (tls != null ? tls : ctx).close();
            return;
        }
        awaiting = nextPayload++;
        ctx.writeAndFlush(new DefaultHttp2PingFrame(awaiting, false));
    }

    private void stop() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        awaiting = NONE;
    }
}
