package io.commucat.ccp.client;

import io.commucat.ccp.client.transport.ClientConnection.Protocol;
import java.util.List;

/**
 * Which HTTP versions a {@link CcpClient} may speak to its server (ccp-1.md §1). The TLS
 * handshake offers them by ALPN; the server chooses.
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
    HTTP1_ONLY(Protocol.HTTP_1_1);

    private final List<Protocol> protocols;

    TransportPreference(Protocol... protocols) {
        this.protocols = List.of(protocols);
    }

    /** The protocols offered by ALPN, in order of preference. */
    List<Protocol> protocols() {
        return protocols;
    }
}
