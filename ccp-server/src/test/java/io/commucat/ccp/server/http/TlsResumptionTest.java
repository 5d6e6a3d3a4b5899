package io.commucat.ccp.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.server.config.ServerConfig;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * TLS 1.3 session resumption on the listener: a client that keeps its TLS context (and so its
 * session tickets) skips the full handshake when it reconnects. Told apart on the server by the
 * provider in use ({@code ccp_tls_handshakes_total{resumed}}).
 */
@Timeout(20)
class TlsResumptionTest {

    private static double handshakes(TestServer server, String resumed) {
        var counter = server.registry.find("ccp.tls.handshakes").tag("resumed", resumed).counter();
        return counter == null ? 0 : counter.count();
    }

    /** One HTTP/1.1 request on a fresh TLS connection; reading the answer also takes in the session ticket. */
    private static void request(TestServer server, SSLContext client) throws Exception {
        try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", server.port())) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {"http/1.1"});
            socket.setSSLParameters(parameters);
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(response.startsWith("HTTP/1.1 200"), response);
        }
    }

    private static TestServer server(Duration sessionTimeout, Duration rotation) throws Exception {
        return new TestServer(new EchoHandler(), b -> b.https(
                new ServerConfig.Https(Duration.ofDays(365), sessionTimeout, rotation)));
    }

    @Test
    void aClientReconnectingWithTheSameContextResumesItsSession() throws Exception {
        try (TestServer server = new TestServer()) {
            SSLContext client = TestTls.jdkClient("TLSv1.3");
            request(server, client);
            request(server, client);
            request(server, client);
            assertEquals(1, handshakes(server, "false"), "the first connection makes a full handshake");
            assertEquals(2, handshakes(server, "true"), "the next ones resume");
        }
    }

    @Test
    void aClientWithAFreshContextMakesAFullHandshake() throws Exception {
        try (TestServer server = new TestServer()) {
            request(server, TestTls.jdkClient("TLSv1.3"));
            request(server, TestTls.jdkClient("TLSv1.3"));
            assertEquals(2, handshakes(server, "false"));
            assertEquals(0, handshakes(server, "true"));
        }
    }

    @Test
    void aTicketSealedBeforeTheKeyRotatedStillResumes() throws Exception {
        try (TestServer server = server(Duration.ofSeconds(30), Duration.ofMillis(100))) {
            SSLContext client = TestTls.jdkClient("TLSv1.3");
            request(server, client);
            Thread.sleep(500); // several rotations: the ticket's key is no longer the one that seals
            request(server, client);
            assertEquals(1, handshakes(server, "true"));
        }
    }

    @Test
    void aTicketOlderThanTheSessionTimeoutDoesNotResume() throws Exception {
        try (TestServer server = server(Duration.ofMillis(300), Duration.ofMillis(100))) {
            SSLContext client = TestTls.jdkClient("TLSv1.3");
            request(server, client);
            Thread.sleep(1_500); // its key has been dropped, and the session has timed out
            request(server, client);
            assertEquals(2, handshakes(server, "false"));
            assertEquals(0, handshakes(server, "true"));
        }
    }
}
