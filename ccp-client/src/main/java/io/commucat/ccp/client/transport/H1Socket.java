package io.commucat.ccp.client.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.util.ReferenceCountUtil;

/**
 * One TLS socket of an {@link H1Connection}, speaking HTTP/1.1: the end of its pipeline, handing
 * what the codec decodes to the one {@link H1Exchange} it carries at a time. Anything the server
 * sends while no exchange is under way is a protocol error and closes the socket. Event loop only.
 */
final class H1Socket extends ChannelInboundHandlerAdapter {

    private static final System.Logger LOG = System.getLogger(H1Socket.class.getName());

    /** The status line, the header block and the pieces response bodies are delivered in. */
    static final int MAX_STATUS_LINE = 4096;
    static final int MAX_HEADERS = 16 * 1024;
    static final int MAX_CHUNK = 16 * 1024;

    private final Channel channel;
    private H1Exchange exchange;

    private H1Socket(Channel channel) {
        this.channel = channel;
    }

    /** Adds the HTTP/1.1 codec and the socket's handler to {@code channel}, whose TLS handshake is done. */
    static H1Socket install(Channel channel) {
        H1Socket socket = new H1Socket(channel);
        HttpDecoderConfig decoder = new HttpDecoderConfig().setMaxInitialLineLength(MAX_STATUS_LINE)
                .setMaxHeaderSize(MAX_HEADERS).setMaxChunkSize(MAX_CHUNK);
        channel.pipeline().addLast(new HttpClientCodec(decoder, false, false), socket);
        return socket;
    }

    Channel channel() {
        return channel;
    }

    /** Starts carrying {@code next}; the socket must be free. */
    void carry(H1Exchange next) {
        if (exchange != null) {
            throw new IllegalStateException("an HTTP/1.1 socket carries one exchange at a time");
        }
        exchange = next;
    }

    /** The exchange is over: the socket is free (reading again if the exchange had paused it). */
    void free() {
        exchange = null;
        channel.config().setAutoRead(true);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (exchange != null) {
                exchange.onMessage(msg);
            } else {
                LOG.log(System.Logger.Level.DEBUG, "server sent a response to no request; closing {0}", channel);
                ctx.close();
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.onWritabilityChanged(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.onSocketClosed();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(System.Logger.Level.DEBUG, "HTTP/1.1 socket failed", cause);
        ctx.close();
    }

    @Override
    public String toString() {
        return "H1Socket[" + channel.remoteAddress() + (channel.isActive() ? "" : ", closed")
                + (exchange == null ? "" : ", busy") + "]";
    }
}
