package io.commucat.ccp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.client.transport.CertificatePinException;
import io.commucat.ccp.client.transport.ClientConnection;
import io.commucat.ccp.client.transport.ClientConnection.Protocol;
import io.commucat.ccp.client.transport.ClientTransport;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The SDK's settings reach the TLS handshake: what each {@link TransportPreference} offers by
 * ALPN and which protocol it then speaks, and each {@link Trust} as the handshake's trust. Real
 * sockets and TLS against {@link TlsTestServer}, whose certificate names {@code localhost} only
 * while the client dials 127.0.0.1.
 */
@Timeout(20)
class TransportsTest {

    private TlsTestServer server;
    private ClientTransport transport;

    @AfterEach
    void stop() throws IOException {
        if (transport != null) {
            transport.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private ClientConnection connect(Function<List<String>, String> choose, Trust trust, TransportPreference preference)
            throws Exception {
        server = new TlsTestServer(choose);
        transport = Transports.builder(URI.create("https://127.0.0.1:" + server.port()), trust, preference).build();
        return transport.connect().get(10, TimeUnit.SECONDS);
    }

    private Throwable refusal(Function<List<String>, String> choose, Trust trust, TransportPreference preference) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> connect(choose, trust, preference));
        return e.getCause();
    }

    private static Trust pinned() {
        return Trust.pinnedPublicKey(TlsTestServer.PUBLIC_KEY_PIN);
    }

    @Test
    void http2ThenHttp1OffersH2FirstAndSpeaksH2WhenTheServerChoosesIt() throws Exception {
        ClientConnection connection = connect(offered -> "h2", pinned(), TransportPreference.HTTP2_THEN_HTTP1);

        assertEquals(Protocol.HTTP_2, connection.protocol());
        assertEquals(List.of("h2", "http/1.1"), server.offered.get(0));
    }

    @Test
    void http2ThenHttp1SpeaksHttp1ToAServerThatChoosesNoProtocol() throws Exception {
        ClientConnection connection = connect(offered -> "", pinned(), TransportPreference.HTTP2_THEN_HTTP1);

        assertEquals(Protocol.HTTP_1_1, connection.protocol());
        assertTrue(connection.isActive());
    }

    @Test
    void http1OnlyOffersHttp1Alone() throws Exception {
        ClientConnection connection = connect(offered -> "http/1.1", pinned(), TransportPreference.HTTP1_ONLY);

        assertEquals(Protocol.HTTP_1_1, connection.protocol());
        assertEquals(List.of("http/1.1"), server.offered.get(0));
    }

    @Test
    void http2OnlyRefusesAServerThatChoosesNoProtocol() {
        Throwable refused = refusal(offered -> "", pinned(), TransportPreference.HTTP2_ONLY);

        assertInstanceOf(IOException.class, refused);
        assertTrue(refused.getMessage().startsWith("the server did not negotiate h2 by ALPN"), refused.getMessage());
        assertTrue(refused.getMessage().contains("HTTP/1.1 was not allowed"), refused.getMessage());
    }

    @Test
    void aPinnedPublicKeyIsAcceptedWithoutAHostNameCheck() throws Exception {
        ClientConnection connection = connect(offered -> "h2", Trust.pinnedPublicKey(
                TlsTestServer.PUBLIC_KEY_PIN.substring("sha256/".length())), TransportPreference.HTTP2_THEN_HTTP1);

        assertTrue(connection.isActive());
    }

    @Test
    void aPinnedCertificateIsAcceptedWithoutAHostNameCheck() throws Exception {
        ClientConnection connection = connect(offered -> "h2", Trust.pinnedCertificate(TlsTestServer.CERTIFICATE),
                TransportPreference.HTTP2_THEN_HTTP1);

        assertTrue(connection.isActive());
    }

    @Test
    void aCaFileKeepsTheHostNameCheck() {
        Throwable refused = refusal(offered -> "h2", Trust.certificates(TlsTestServer.CERTIFICATE),
                TransportPreference.HTTP2_THEN_HTTP1);

        assertInstanceOf(SSLHandshakeException.class, refused);
        assertTrue(refused.getMessage().contains("127.0.0.1"), refused.getMessage());
        for (Throwable t = refused; t != null; t = t.getCause()) {
            assertFalse(t instanceof CertificatePinException, "no pin is involved");
        }
    }
}
