package io.commucat.ccp.client;

import io.commucat.ccp.client.transport.ClientConnection.Protocol;
import java.util.List;

/**
 * Which HTTP versions and {@code /connect} modes a {@link CcpClient} may use with its server
 * (ccp-1.md §1). The TLS handshake offers the HTTP versions by ALPN; the server chooses.
 *
 * <p>The order a session link tries (docs/sdk.md "WebSocket fallback"): a binary {@code /connect}
 * streaming both ways over HTTP/2, or over chunked HTTP/1.1 when the server (or a proxy that
 * strips ALPN) chooses HTTP/1.1; then, when that does not get through (refused with a status
 * other than 429 or 503 with {@code Retry-After}, reset before the handshake is done, or no Auth
 * within {@link CcpClient.Builder#webSocketFallbackAfter} of the Hello, as behind a proxy that
 * buffers request bodies), a WebSocket. Once a WebSocket link succeeded, the client's later
 * links go straight to WebSocket. {@link #HTTP2_ONLY} never falls back; {@link #WEBSOCKET_ONLY}
 * starts there.
 */
public enum TransportPreference {

    /**
     * HTTP/2 when the server chooses it; HTTP/1.1 (chunked {@code /connect}) when it chooses
     * HTTP/1.1 or nothing, as behind a proxy that strips ALPN. The default.
     */
    HTTP2_THEN_HTTP1(Protocol.HTTP_2, Protocol.HTTP_1_1),

    /** HTTP/2 only: a server (or proxy) that does not choose {@code h2} is refused. */
    HTTP2_ONLY(Protocol.HTTP_2),

    /** HTTP/1.1 only ({@code h2} is not offered): what a server behind an ALPN-stripping proxy sees. */
    HTTP1_ONLY(Protocol.HTTP_1_1),

    /**
     * Every session link is a WebSocket (RFC 6455 upgrade on an HTTP/1.1 socket of its own) from
     * the start; REST calls still use HTTP/2 or HTTP/1.1 as the server chooses. For networks known
     * to carry WebSockets but not streaming bodies.
     */
    WEBSOCKET_ONLY(Protocol.HTTP_2, Protocol.HTTP_1_1);

    private final List<Protocol> protocols;

    TransportPreference(Protocol... protocols) {
        this.protocols = List.of(protocols);
    }

    /**
     * Whether a streaming {@code /connect} that does not get through is tried again over
     * WebSocket: for {@link #HTTP2_THEN_HTTP1} and {@link #HTTP1_ONLY}, not for {@link
     * #HTTP2_ONLY} (a WebSocket is HTTP/1.1) nor {@link #WEBSOCKET_ONLY} (already there).
     */
    boolean fallsBackToWebSocket() {
        return this == HTTP2_THEN_HTTP1 || this == HTTP1_ONLY;
    }

    /** The protocols offered by ALPN, in order of preference. */
    List<Protocol> protocols() {
        return protocols;
    }
}
