package io.commucat.ccp.server.http;

import io.netty.buffer.ByteBuf;

/**
 * What a protocol's {@code /connect} exchange ({@link ConnectTransport}) drives once its response
 * head is out: a {@link ConnectBridge} (the exchange carries the whole session) or one poll of
 * a {@link LongPollSession}. Threading: the exchange's event loop only.
 */
interface ConnectDriver {

    /** The response head is out; the body may begin. */
    void start();

    /** A piece of the request body; the caller keeps ownership of {@code content}. */
    void onUpstream(ByteBuf content);

    void onUpstreamEnd();

    /** The transport's own buffer drained (channel writability). */
    void onWritable();

    /** The exchange is gone (reset, connection closed). Idempotent. */
    void onTransportClosed();
}
