package io.commucat.ccp.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real TLS handshakes against the listener with the JDK's client. */
class TlsTest {

    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private SSLSocket handshake(String protocol, String... alpn) throws Exception {
        SSLSocket socket = (SSLSocket) TestTls.jdkClient("TLS").getSocketFactory().createSocket("127.0.0.1", server.port());
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setProtocols(new String[] {protocol});
        parameters.setApplicationProtocols(alpn);
        socket.setSSLParameters(parameters);
        socket.setSoTimeout(5_000);
        socket.startHandshake();
        return socket;
    }

    @Test
    void tls13WithAlpnH2() throws Exception {
        try (SSLSocket socket = handshake("TLSv1.3", "h2", "http/1.1")) {
            assertEquals("TLSv1.3", socket.getSession().getProtocol());
            assertEquals("h2", socket.getApplicationProtocol());
        }
    }

    @Test
    void alpnHttp11WhenThatIsAllTheClientOffers() throws Exception {
        try (SSLSocket socket = handshake("TLSv1.3", "http/1.1")) {
            assertEquals("http/1.1", socket.getApplicationProtocol());
        }
    }

    @Test
    void tls12IsRefused() {
        assertThrows(IOException.class, () -> handshake("TLSv1.2", "h2").close());
    }

    @Test
    void providerIsReported() {
        assertNotNull(server.server.sslProvider());
        assertEquals(ServerTls.preferredProvider(), server.server.sslProvider());
    }
}
