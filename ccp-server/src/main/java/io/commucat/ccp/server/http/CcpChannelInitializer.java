package io.commucat.ccp.server.http;

import io.commucat.ccp.server.admission.ClientAddress;
import io.commucat.ccp.server.admission.ConnectionCap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds every accepted connection's pipeline: TLS 1.3 (with a handshake deadline), then
 * {@link ProtocolNegotiator}, which installs h2 or HTTP/1.1 once ALPN has spoken. The one place
 * the pipeline is assembled. Runs on the connection's event loop.
 */
final class CcpChannelInitializer extends ChannelInitializer<Channel> {

    private static final Logger LOG = LoggerFactory.getLogger(CcpChannelInitializer.class);

    private final SslContext sslContext;
    private final ServerContext context;
    private final ChannelGroup connections;

    CcpChannelInitializer(SslContext sslContext, ServerContext context, ChannelGroup connections) {
        this.sslContext = sslContext;
        this.context = context;
        this.connections = connections;
    }

    @Override
    protected void initChannel(Channel ch) {
        // The per-address cap, before any TLS work: a refused connection costs an accept and a close.
        ClientAddress client = ClientAddress.of(ch.remoteAddress());
        ConnectionCap cap = context.admission().connections();
        if (!cap.tryOpen(client)) {
            LOG.debug("{}: refused, {} connections from this address are open already", client, cap.maxPerAddress());
            ch.close();
            return;
        }
        ch.closeFuture().addListener(f -> cap.closed(client));
        connections.add(ch);
        // Reads are pulled from the start: the TLS handler asks for what its handshake needs, and
        // the protocol installed after ALPN decides how reading continues (HTTP/2: autoRead on,
        // its flow control bounds it; HTTP/1.1: one message per read). Flipping autoRead in the
        // middle of the read that completes the handshake lost a request sent in the same segment.
        ch.config().setAutoRead(false);
        SslHandler tls = sslContext.newHandler(ch.alloc());
        tls.setHandshakeTimeoutMillis(context.limits().tlsHandshakeTimeout().toMillis());
        ch.pipeline().addLast("tls", tls);
        ch.pipeline().addLast("alpn", new ProtocolNegotiator(context));
    }
}
