package io.commucat.ccp.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A request target whose query holds a bad percent escape (found by {@code RequestHeadFuzzTest})
 * is a malformed request: 400 problem+json on both protocols, for REST routes and for
 * {@code /connect}, never an exception that leaves the stream unanswered.
 */
@Timeout(20)
class MalformedRequestTargetTest {

    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aBadPercentEscapeInTheQueryIs400OverHttp2() throws Exception {
        try (RawH2Client client = new RawH2Client(server.port())) {
            client.headers(1, "GET", "/healthz?x=%zz", true);
            assertEquals("HEADERS 1 400", client.await("HEADERS 1", 5_000));
            client.headers(3, "POST", "/connect?mode=%4", true);
            assertEquals("HEADERS 3 400", client.await("HEADERS 3", 5_000));
        }
    }

    @Test
    void aBadPercentEscapeInTheQueryIs400OverHttp11() throws Exception {
        for (String target : new String[] {"/healthz?x=%zz", "/connect?mode=%4"}) {
            try (SSLSocket socket = (SSLSocket) TestTls.jdkClient("TLSv1.3").getSocketFactory()
                    .createSocket("127.0.0.1", server.port())) {
                socket.setSoTimeout(5_000);
                socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(response.startsWith("HTTP/1.1 400 Bad Request\r\n"), target + ": " + response);
                assertTrue(response.contains("\"title\":\"BadRequest\""), response);
            }
        }
    }
}
