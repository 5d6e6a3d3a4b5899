package io.commucat.ccp.client;

import io.commucat.ccp.client.transport.ClientConnection;
import io.commucat.ccp.client.transport.ClientTransport;
import java.net.URI;

/**
 * The SDK's connector for a server, from the client's public settings: its {@link Trust} and
 * {@link TransportPreference} mapped onto a {@link ClientTransport.Builder}. Static; thread-safe.
 */
final class Transports {

    private Transports() {
    }

    /**
     * A builder for {@code server} ({@code https://host[:port]}, port 443 when absent) with
     * {@code trust} and {@code preference} applied; the caller adds threads or an event loop
     * group and builds it.
     */
    static ClientTransport.Builder builder(URI server, Trust trust, TransportPreference preference) {
        String host = server.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1); // an IPv6 literal
        }
        ClientTransport.Builder builder = ClientTransport.builder(host, server.getPort() < 0 ? 443 : server.getPort())
                .protocols(preference.protocols().toArray(ClientConnection.Protocol[]::new));
        if (trust instanceof Trust.Certificates ca) {
            builder.trustCertificates(ca.pemFile());
        } else if (trust instanceof Trust.PinnedCertificate pinned) {
            builder.trustPinnedCertificate(pinned.pemFile());
        } else if (trust instanceof Trust.PinnedPublicKey pinned) {
            builder.trustPinnedPublicKey(pinned.pin());
        } else {
            builder.trustSystemStore();
        }
        return builder;
    }
}
