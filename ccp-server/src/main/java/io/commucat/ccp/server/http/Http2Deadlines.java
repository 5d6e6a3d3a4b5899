package io.commucat.ccp.server.http;

import io.commucat.ccp.server.config.ServerConfig.Timeouts;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2CodecUtil;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection deadlines of HTTP/2 (docs/security.md, "Deadlines and timeouts"):
 * <ul>
 * <li>header: the client preface and its first frame (SETTINGS) within the header deadline of
 *     the connection becoming ready, and every header block (HEADERS and its CONTINUATIONs)
 *     within the header deadline of its first frame; else the connection is closed below the
 *     codec (a peer stuck in a header block can send nothing else anyway);</li>
 * <li>idle: a connection with no open stream for the idle deadline is closed through the codec
 *     (GOAWAY). A connection carrying a {@code /connect} has a stream open and is never idle;
 *     its liveness is {@link Http2Liveness}.</li>
 * </ul>
 * Sits between TLS and the HTTP/2 codec and follows the frame boundaries of the decrypted bytes
 * (9-octet frame headers, payloads skipped) without consuming anything: the codec still parses
 * and validates every frame, and a peer that breaks framing gets its error from the codec.
 * Streams are counted by the stream initializer ({@link #streamOpened}, {@link #streamClosed}).
 * Event loop only.
 */
final class Http2Deadlines extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(Http2Deadlines.class);
    /** RFC 9113 §3.4: "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n". */
    private static final int PREFACE_LENGTH = 24;
    private static final int FRAME_HEADER_LENGTH = Http2CodecUtil.FRAME_HEADER_LENGTH;
    private static final int TYPE_HEADERS = 0x1;
    private static final int TYPE_CONTINUATION = 0x9;
    private static final int FLAG_END_HEADERS = 0x4;

    private final Timeouts timeouts;
    private final HttpMetrics metrics;
    private ChannelHandlerContext ctx;

    private int prefaceLeft = PREFACE_LENGTH;
    private boolean prefaceDone;
    private final byte[] frameHeader = new byte[FRAME_HEADER_LENGTH];
    private int frameHeaderFill;
    private int frameType;
    private int frameFlags;
    private long payloadLeft;

    private int openStreams;
    private ScheduledFuture<?> headerTimer;
    private ScheduledFuture<?> idleTimer;

    Http2Deadlines(Timeouts timeouts, HttpMetrics metrics) {
        this.timeouts = timeouts;
        this.metrics = metrics;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        armHeader(); // the preface is due
    }

    /** A stream got its child channel (called on this connection's loop). */
    void streamOpened() {
        openStreams++;
        cancelIdle();
    }

    /** A stream's child channel closed. */
    void streamClosed() {
        if (--openStreams == 0 && prefaceDone) {
            armIdle();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes) {
            follow(bytes);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelHeader();
        cancelIdle();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelHeader();
        cancelIdle();
    }

    /** Walks the frame boundaries in {@code bytes} without moving its indexes. */
    private void follow(ByteBuf bytes) {
        int at = bytes.readerIndex();
        int end = bytes.writerIndex();
        while (at < end) {
            if (prefaceLeft > 0) {
                int n = Math.min(prefaceLeft, end - at);
                prefaceLeft -= n;
                at += n;
            } else if (payloadLeft > 0) {
                int n = (int) Math.min(payloadLeft, end - at);
                payloadLeft -= n;
                at += n;
                if (payloadLeft == 0) {
                    frameEnded();
                }
            } else {
                frameHeader[frameHeaderFill++] = bytes.getByte(at++);
                if (frameHeaderFill == FRAME_HEADER_LENGTH) {
                    frameHeaderFill = 0;
                    frameStarted();
                }
            }
        }
    }

    private void frameStarted() {
        payloadLeft = (frameHeader[0] & 0xffL) << 16 | (frameHeader[1] & 0xff) << 8 | (frameHeader[2] & 0xff);
        frameType = frameHeader[3] & 0xff;
        frameFlags = frameHeader[4] & 0xff;
        if (prefaceDone && frameType == TYPE_HEADERS && headerTimer == null) {
            armHeader(); // a header block begins
        }
        if (payloadLeft == 0) {
            frameEnded();
        }
    }

    private void frameEnded() {
        if (!prefaceDone) {
            // The preface and the frame after it (SETTINGS, or the codec refuses the connection).
            prefaceDone = true;
            cancelHeader();
            if (openStreams == 0) {
                armIdle();
            }
        } else if ((frameType == TYPE_HEADERS || frameType == TYPE_CONTINUATION) && (frameFlags & FLAG_END_HEADERS) != 0) {
            cancelHeader();
        }
    }

    private void armHeader() {
        headerTimer = schedule(this::headerExpired, timeouts.header());
    }

    private void armIdle() {
        cancelIdle();
        idleTimer = schedule(this::idleExpired, timeouts.idle());
    }

    private ScheduledFuture<?> schedule(Runnable task, Duration after) {
        return ctx.channel().isActive() ? ctx.executor().schedule(task, after.toNanos(), TimeUnit.NANOSECONDS) : null;
    }

    private void cancelHeader() {
        if (headerTimer != null) {
            headerTimer.cancel(false);
            headerTimer = null;
        }
    }

    private void cancelIdle() {
        if (idleTimer != null) {
            idleTimer.cancel(false);
            idleTimer = null;
        }
    }

    private void headerExpired() {
        headerTimer = null;
        cancelIdle();
        metrics.connectionClosed("header_timeout");
        LOG.debug("{}: {} not complete within {} ms, closing the HTTP/2 connection", ctx.channel().remoteAddress(),
                prefaceDone ? "header block" : "preface", timeouts.header().toMillis());
        // Below the codec: a graceful close would wait for a peer that is not sending.
        ctx.close();
    }

    private void idleExpired() {
        idleTimer = null;
        if (openStreams > 0) {
            return;
        }
        cancelHeader();
        metrics.connectionClosed("idle");
        LOG.debug("{}: no stream for {} ms, closing the HTTP/2 connection", ctx.channel().remoteAddress(),
                timeouts.idle().toMillis());
        // Through the codec: the peer gets a GOAWAY, no stream is lost.
        ctx.channel().close();
    }
}
