package io.commucat.ccp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.client.transport.CertificatePinException;
import io.commucat.ccp.client.transport.ClientConnection;
import io.commucat.ccp.client.transport.ClientTransport;
import io.commucat.ccp.client.transport.H2Response;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pinned trust against a real node: its own TLS certificate, or its public key, is accepted
 * whoever issued it; any other pin fails the TLS handshake with a message naming the expected
 * and the presented pin. The pins here are computed from the node's files with the JDK alone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class PinnedTrustTest {

    @TempDir
    static Path dir;

    private TestServer server;

    @BeforeAll
    void startNode() throws Exception {
        server = TestServer.start(dir, Map.of());
    }

    @AfterAll
    void stopNode() {
        if (server != null) {
            server.close();
        }
    }

    private static X509Certificate certificate(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static String publicKeyPin(Path pem) throws Exception {
        byte[] spki = certificate(pem).getPublicKey().getEncoded();
        return "sha256/" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(spki));
    }

    private static String fingerprint(Path pem) throws Exception {
        return HexFormat.ofDelimiter(":").withUpperCase()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(certificate(pem).getEncoded()));
    }

    /** Connects with the trust {@code trust} sets and reads server-info; returns its status. */
    private int serverInfoStatus(UnaryOperator<ClientTransport.Builder> trust) throws Exception {
        try (ClientTransport transport = trust.apply(ClientTransport.builder("127.0.0.1", server.port())).build()) {
            ClientConnection connection = transport.connect().get(WireDevice.WAIT_SECONDS, TimeUnit.SECONDS);
            H2Response info = connection.get("/api/server-info").get(WireDevice.WAIT_SECONDS, TimeUnit.SECONDS);
            return info.status();
        }
    }

    /** The pin refusal a connection with {@code trust} fails with. */
    private CertificatePinException refusal(UnaryOperator<ClientTransport.Builder> trust) throws Exception {
        try (ClientTransport transport = trust.apply(ClientTransport.builder("127.0.0.1", server.port())).build()) {
            ExecutionException failed = assertThrows(ExecutionException.class,
                    () -> transport.connect().get(WireDevice.WAIT_SECONDS, TimeUnit.SECONDS));
            assertInstanceOf(SSLHandshakeException.class, failed.getCause());
            for (Throwable t = failed.getCause(); t != null; t = t.getCause()) {
                if (t instanceof CertificatePinException pin) {
                    String shown = failed.getCause().getMessage();
                    assertTrue(shown.contains(pin.expected()) && shown.contains(pin.presented()),
                            "the handshake failure itself names both pins: " + shown);
                    return pin;
                }
            }
            throw new AssertionError("no CertificatePinException in " + failed.getCause());
        }
    }

    @Test
    void theNodesPinnedCertificateIsAccepted() throws Exception {
        assertEquals(200, serverInfoStatus(b -> b.trustPinnedCertificate(server.tlsCertificate())));
    }

    @Test
    void theNodesPinnedPublicKeyIsAccepted() throws Exception {
        String pin = publicKeyPin(server.tlsCertificate());

        assertEquals(200, serverInfoStatus(b -> b.trustPinnedPublicKey(pin)));
    }

    @Test
    void theNodesPublicKeyPinIsAcceptedWithoutItsPrefix() throws Exception {
        String bare = publicKeyPin(server.tlsCertificate()).substring("sha256/".length());

        assertEquals(200, serverInfoStatus(b -> b.trustPinnedPublicKey(bare)));
    }

    @Test
    void aPublicKeyPinOfAnotherKeyIsRefusedNamingBothPins() throws Exception {
        String caPin = publicKeyPin(server.devCa());
        String nodePin = publicKeyPin(server.tlsCertificate());

        CertificatePinException refused = refusal(b -> b.trustPinnedPublicKey(caPin));

        assertEquals(caPin, refused.expected());
        assertEquals(nodePin, refused.presented());
        assertEquals("the server's public key does not match the pinned key: expected " + caPin + ", presented " + nodePin,
                refused.getMessage());
    }

    @Test
    void aPinnedCertificateThatIsNotTheNodesIsRefusedNamingBothFingerprints() throws Exception {
        CertificatePinException refused = refusal(b -> b.trustPinnedCertificate(server.devCa()));

        assertEquals("certificate SHA-256 " + fingerprint(server.devCa()), refused.expected());
        assertEquals("certificate SHA-256 " + fingerprint(server.tlsCertificate()), refused.presented());
        assertTrue(refused.getMessage().startsWith("the server's certificate is not the pinned certificate: expected "),
                refused.getMessage());
    }

    /** A CcpClient of the node trusting {@code trust}, its identity in a file of its own. */
    private io.commucat.ccp.client.CcpClient client(io.commucat.ccp.client.Trust trust) {
        return io.commucat.ccp.client.CcpClient.builder(java.net.URI.create("https://127.0.0.1:" + server.port()))
                .trust(trust)
                .identityStore(new io.commucat.ccp.client.FileIdentityStore(dir.resolve("pin-" + System.nanoTime() + ".json")))
                .build();
    }

    @Test
    void aCcpClientPinningTheNodesKeyRegistersAndConnects() throws Exception {
        try (var client = client(io.commucat.ccp.client.Trust.pinnedPublicKey(publicKeyPin(server.tlsCertificate())))) {
            client.register("pinned-" + System.nanoTime()).get(WireDevice.WAIT_SECONDS, TimeUnit.SECONDS);
            client.connect(new io.commucat.ccp.client.SessionListener() { })
                    .get(WireDevice.WAIT_SECONDS, TimeUnit.SECONDS).close();
        }
    }

    @Test
    void aCcpClientPinningAnotherKeyFailsAsUntrustedAndStoresNothing() throws Exception {
        try (var client = client(io.commucat.ccp.client.Trust.pinnedPublicKey(publicKeyPin(server.devCa())))) {
            ExecutionException failed = assertThrows(ExecutionException.class,
                    () -> client.register("mallory-" + System.nanoTime()).get(WireDevice.WAIT_SECONDS, TimeUnit.SECONDS));

            var why = (io.commucat.ccp.client.CcpException) failed.getCause();
            assertEquals(io.commucat.ccp.client.CcpException.Kind.UNTRUSTED, why.kind(), why.toString());
            assertTrue(why.getMessage().contains(publicKeyPin(server.tlsCertificate())), why.getMessage());
            assertTrue(client.identity().get(WireDevice.WAIT_SECONDS, TimeUnit.SECONDS).isEmpty());
        }
    }
}
