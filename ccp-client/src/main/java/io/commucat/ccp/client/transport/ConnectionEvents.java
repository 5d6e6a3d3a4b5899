package io.commucat.ccp.client.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The end of a connection's pipeline: counts the server's PINGs (answered by the codec unless
 * auto-ack is off), completes this side's PINGs when their acks come, and notes GOAWAY; releases
 * every connection-level frame. Event loop only; the counters are read from any thread.
 */
final class ConnectionEvents extends ChannelInboundHandlerAdapter {

    static final long NO_GOAWAY = -1;

    final AtomicInteger pingsReceived = new AtomicInteger();
    final AtomicLong goAwayErrorCode = new AtomicLong(NO_GOAWAY);
    /** This side's PINGs waiting for their ack, by their 8 bytes of content. */
    final Map<Long, CompletableFuture<Void>> pings = new ConcurrentHashMap<>();
    private final AtomicLong pingContent = new AtomicLong();

    /** Registers a PING about to be written; its future completes when the server acks it. */
    CompletableFuture<Void> expectPingAck(long[] content) {
        content[0] = pingContent.incrementAndGet();
        CompletableFuture<Void> acked = new CompletableFuture<>();
        pings.put(content[0], acked);
        return acked;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof Http2PingFrame ping && !ping.ack()) {
                pingsReceived.incrementAndGet();
            } else if (msg instanceof Http2PingFrame ack) {
                CompletableFuture<Void> acked = pings.remove(ack.content());
                if (acked != null) {
                    acked.complete(null);
                }
            } else if (msg instanceof Http2GoAwayFrame goAway) {
                goAwayErrorCode.set(goAway.errorCode());
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        IOException lost = new IOException("the connection closed before the PING was answered");
        pings.values().forEach(acked -> acked.completeExceptionally(lost));
        pings.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
