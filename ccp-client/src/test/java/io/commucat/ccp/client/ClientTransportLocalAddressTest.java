package io.commucat.ccp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.commucat.ccp.client.transport.ClientTransport;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ClientTransport.Builder#localAddress}: the socket leaves from the address asked for.
 * Real sockets and TLS against {@link TlsTestServer} on 127.0.0.1; the whole 127.0.0.0/8 is
 * loopback on Linux, so 127.0.0.7 is a local address there.
 */
@Timeout(20)
class ClientTransportLocalAddressTest {

    @Test
    void connectionsLeaveFromTheChosenLocalAddress() throws Exception {
        InetAddress source = InetAddress.getByName("127.0.0.7");
        try (TlsTestServer server = new TlsTestServer(offered -> "h2");
                ClientTransport transport = ClientTransport.builder("127.0.0.1", server.port())
                        .trustPinnedPublicKey(TlsTestServer.PUBLIC_KEY_PIN).localAddress(source).build()) {
            transport.connect().get(10, TimeUnit.SECONDS);
            transport.connect().get(10, TimeUnit.SECONDS);

            assertEquals(2, server.peers.size());
            assertEquals(source, server.peers.get(0).getAddress());
            assertEquals(source, server.peers.get(1).getAddress());
        }
    }
}
