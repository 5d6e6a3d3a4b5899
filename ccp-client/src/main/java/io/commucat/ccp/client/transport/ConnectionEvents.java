package io.commucat.ccp.client.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The end of a connection's pipeline: counts the server's PINGs (answered by the codec unless
 * auto-ack is off) and notes GOAWAY; releases every connection-level frame. Event loop only;
 * the counters are read from any thread.
 */
final class ConnectionEvents extends ChannelInboundHandlerAdapter {

    static final long NO_GOAWAY = -1;

    final AtomicInteger pingsReceived = new AtomicInteger();
    final AtomicLong goAwayErrorCode = new AtomicLong(NO_GOAWAY);

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof Http2PingFrame ping && !ping.ack()) {
                pingsReceived.incrementAndGet();
            } else if (msg instanceof Http2GoAwayFrame goAway) {
                goAwayErrorCode.set(goAway.errorCode());
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
