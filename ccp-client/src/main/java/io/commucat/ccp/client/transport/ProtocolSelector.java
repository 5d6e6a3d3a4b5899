package io.commucat.ccp.client.transport;

import io.commucat.ccp.client.transport.ClientConnection.Protocol;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * After the TLS handshake, chooses the protocol from what ALPN said ({@link #select}) and hands it
 * to {@code selected}, which installs its codec; then takes itself out of the pipeline. A failed
 * handshake (trust, pin, timeout), a refused protocol, or a socket closed first go to {@code
 * failed} instead, and the socket is closed. Exactly one of the two is called. Event loop only.
 */
final class ProtocolSelector extends ApplicationProtocolNegotiationHandler {

    private final List<Protocol> offered;
    private final Consumer<Protocol> selected;
    private final Consumer<Throwable> failed;
    private boolean done;

    ProtocolSelector(List<Protocol> offered, Consumer<Protocol> selected, Consumer<Throwable> failed) {
        super(ApplicationProtocolNames.HTTP_1_1); // unused: configurePipeline reads ALPN's own answer
        this.offered = List.copyOf(offered);
        this.selected = selected;
        this.failed = failed;
    }

    /**
     * The protocol to speak: the one ALPN chose if it was offered; HTTP/1.1 when ALPN chose
     * nothing (a server or a proxy without ALPN speaks HTTP/1.1) and HTTP/1.1 was offered.
     *
     * @param alpn what the server chose, or null (or empty) for nothing
     * @throws IOException naming what was offered, when none of it can be spoken
     */
    static Protocol select(List<Protocol> offered, String alpn) throws IOException {
        if (alpn == null || alpn.isEmpty()) {
            if (offered.contains(Protocol.HTTP_1_1)) {
                return Protocol.HTTP_1_1;
            }
            throw new IOException("the server did not negotiate " + names(offered) + " by ALPN (it chose no protocol,"
                    + " as a server or proxy without ALPN does, which means HTTP/1.1), and HTTP/1.1 was not allowed");
        }
        for (Protocol protocol : offered) {
            if (protocol.alpnName().equals(alpn)) {
                return protocol;
            }
        }
        // Not echoed: the name is the peer's.
        throw new IOException("the server chose an ALPN protocol that was not offered (offered: " + names(offered) + ")");
    }

    private static String names(List<Protocol> protocols) {
        return protocols.stream().map(Protocol::alpnName).collect(Collectors.joining(", "));
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String fallback) throws IOException {
        selected.accept(select(offered, ctx.pipeline().get(SslHandler.class).applicationProtocol()));
        done = true;
    }

    @Override
    protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, cause);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (done) {
            ctx.fireExceptionCaught(cause);
        } else {
            fail(ctx, cause);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (!done) {
            fail(ctx, new IOException("the server closed the connection during the TLS handshake"));
        }
        super.channelInactive(ctx);
    }

    private void fail(ChannelHandlerContext ctx, Throwable cause) {
        if (!done) {
            done = true;
            // A failed handshake may reach exceptionCaught first, wrapped by the decoder: report
            // the handshake's own exception (an SSLHandshakeException) whichever came first.
            SslHandler tls = ctx.pipeline().get(SslHandler.class);
            Throwable handshake = tls == null ? null : tls.handshakeFuture().cause();
            failed.accept(handshake != null ? handshake : cause);
        }
        ctx.close();
    }
}
