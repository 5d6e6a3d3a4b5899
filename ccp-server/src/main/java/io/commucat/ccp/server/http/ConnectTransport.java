package io.commucat.ccp.server.http;

import io.commucat.ccp.server.connect.ConnectHandler;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;

/**
 * What {@link ConnectBridge} needs from one protocol's {@code /connect} exchange (an HTTP/2
 * stream or an HTTP/1.1 request). Implemented by the per-protocol handler; event loop only.
 */
interface ConnectTransport {

    EventLoop eventLoop();

    /** The client: the TCP peer, or behind a trusted proxy the forwarded address (see {@link ConnectHandler#open}). */
    String remoteAddress();

    /** Writes and flushes one chunk of the response body. */
    ChannelFuture send(ByteBuf bytes);

    /**
     * Ends the response after what was sent. When the request body has not ended, the exchange
     * is cut so the peer stops uploading to a session that is gone.
     */
    void end(boolean upstreamEnded);

    /** Cuts the exchange at once (a reader too far behind). */
    void abort();

    /** Whether more downstream bytes can go out without queueing beyond the watermark. */
    boolean isWritable();

    /** Asks the transport for the next piece of the request body (autoRead is off). */
    void requestUpstream();

    /**
     * The server is shutting down: the session's goodbye and {@link #end} follow. A transport
     * whose end says why (a WebSocket close code) says "going away".
     */
    default void goingAway() {
    }
}
