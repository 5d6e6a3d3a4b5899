package io.commucat.ccp.server.http;

import io.commucat.ccp.server.config.ServerConfig.Timeouts;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deadlines of one HTTP/1.1 connection (docs/security.md, "Deadlines and timeouts"), one
 * timer for whatever the connection waits for from the peer ({@link Phase}).
 * {@link Http1Dispatcher} says what that is; this handler sits before the HTTP codec so that it
 * sees the first raw byte of a kept-alive connection's next request, which turns the idle
 * deadline into the header deadline (a slowloris then has {@code header} time, not {@code idle}).
 * Header and idle expiry close the connection (nothing useful can be answered); body expiry
 * asks the dispatcher to answer 408 and close. Event loop only.
 */
final class Http1Deadlines extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(Http1Deadlines.class);

    /** What the connection waits for from the peer. */
    enum Phase {
        /** A request head: the header deadline runs. */
        HEAD,
        /** A kept-alive connection's next request, of which no byte came yet: the idle deadline runs. */
        IDLE,
        /** The rest of a REST request body: the body deadline runs. */
        BODY,
        /** Nothing: a response is being made, or a {@code /connect} streams (PINGs have no HTTP/1.1 twin; TCP keepalive does that). */
        NONE
    }

    private final Timeouts timeouts;
    private final HttpMetrics metrics;
    private ChannelHandlerContext ctx;
    private Phase phase = Phase.NONE;
    private ScheduledFuture<?> timer;
    private Runnable onBodyTimeout = () -> { };

    Http1Deadlines(Timeouts timeouts, HttpMetrics metrics) {
        this.timeouts = timeouts;
        this.metrics = metrics;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** A fresh connection: its first request head is due within the header deadline. */
    void awaitFirstRequest() {
        enter(Phase.HEAD);
    }

    /** A response went out and the connection stays: idle until the next request starts. */
    void awaitNextRequest() {
        enter(Phase.IDLE);
    }

    /** A REST head arrived and its body follows; {@code onTimeout} answers if it does not finish in time. */
    void awaitBody(Runnable onTimeout) {
        onBodyTimeout = onTimeout;
        enter(Phase.BODY);
    }

    /** The peer owes nothing for now. */
    void awaitNothing() {
        enter(Phase.NONE);
    }

    Phase phase() {
        return phase;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (phase == Phase.IDLE && msg instanceof ByteBuf bytes && bytes.isReadable()) {
            enter(Phase.HEAD);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    private void enter(Phase next) {
        cancel();
        phase = next;
        Duration after = switch (next) {
            case HEAD -> timeouts.header();
            case IDLE -> timeouts.idle();
            case BODY -> timeouts.body();
            case NONE -> null;
        };
        if (after != null && ctx.channel().isActive()) {
            timer = ctx.executor().schedule(this::expired, after.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void expired() {
        timer = null;
        switch (phase) {
            case HEAD -> cut("header_timeout");
            case IDLE -> cut("idle");
            case BODY -> {
                phase = Phase.NONE;
                metrics.connectionClosed("body_timeout");
                LOG.debug("{}: request body not complete within {} ms, answering 408", ctx.channel().remoteAddress(),
                        timeouts.body().toMillis());
                onBodyTimeout.run();
            }
            case NONE -> {
                // Cancelled too late to stop the task: nothing is due.
            }
        }
    }

    private void cut(String reason) {
        phase = Phase.NONE;
        metrics.connectionClosed(reason);
        LOG.debug("{}: {}, closing the HTTP/1.1 connection", ctx.channel().remoteAddress(), reason);
        // Below the HTTP codec: TLS still sends close_notify.
        ctx.close();
    }
}
