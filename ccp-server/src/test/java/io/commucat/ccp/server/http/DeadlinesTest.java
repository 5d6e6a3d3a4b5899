package io.commucat.ccp.server.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.server.config.ServerConfig.Timeouts;
import io.commucat.ccp.server.http.rest.RestResponse;
import io.micrometer.core.instrument.Counter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Header, body and idle deadlines and the close after a malformed request (docs/security.md,
 * "Deadlines and timeouts"), against a real TLS server with deadlines of a few hundred
 * milliseconds, driven by peers that misbehave on purpose: raw TLS sockets and
 * {@link RawH2Client}.
 */
@Timeout(20)
class DeadlinesTest {

    // Short, yet long enough that a loaded CI machine does not miss a well-behaved peer's bytes.
    static final Duration HEADER = Duration.ofMillis(500);
    static final Duration BODY = Duration.ofMillis(500);
    static final Duration IDLE = Duration.ofMillis(1_000);
    /** Well past every deadline above: a connection still open then was not cut. */
    static final long PAST_DEADLINES_MS = IDLE.toMillis() + 700;

    TestServer server;

    @BeforeEach
    void start() throws Exception {
        Timeouts timeouts = new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(30), HEADER, BODY, IDLE);
        server = new TestServer(new EchoHandler(), b -> b.timeouts(timeouts)
                .routes(r -> r.post("/test/echo", request -> CompletableFuture.completedFuture(
                        RestResponse.json(200, "{}".getBytes(StandardCharsets.UTF_8))))));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    // ---- HTTP/1.1 ----

    @Test
    void anHttp1ConnectionThatSendsNoRequestIsCutAtTheHeaderDeadline() throws Exception {
        try (SSLSocket socket = tls("http/1.1")) {
            assertEquals("", readUntilClosed(socket));
            assertEquals(1, closed("header_timeout"));
        }
    }

    @Test
    void slowlorisHeadersAreCutAtTheHeaderDeadlineWhateverTheirPace() throws Exception {
        try (SSLSocket socket = tls("http/1.1")) {
            OutputStream out = socket.getOutputStream();
            out.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            AtomicBoolean cut = new AtomicBoolean();
            Thread trickle = new Thread(() -> {
                try {
                    // One header byte every 50 ms: never silent, never complete.
                    for (int i = 0; i < 200 && !cut.get(); i++) {
                        out.write('x');
                        out.flush();
                        Thread.sleep(50);
                    }
                } catch (IOException | InterruptedException e) {
                    cut.set(true);
                }
            });
            trickle.start();
            assertEquals("", readUntilClosed(socket), "no response to an unfinished head");
            cut.set(true);
            trickle.join(5_000);
            assertEquals(1, closed("header_timeout"));
        }
    }

    @Test
    void anIdleKeptAliveHttp1ConnectionIsCutAtTheIdleDeadline() throws Exception {
        try (SSLSocket socket = tls("http/1.1")) {
            request(socket, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            assertTrue(readResponse(socket).startsWith("HTTP/1.1 200 OK\r\n"));
            // A second request within the idle deadline keeps the connection.
            request(socket, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            assertTrue(readResponse(socket).startsWith("HTTP/1.1 200 OK\r\n"));

            assertEquals("", readUntilClosed(socket));
            assertEquals(1, closed("idle"));
            assertEquals(0, closed("header_timeout"));
        }
    }

    @Test
    void aRestBodyThatTricklesIsAnswered408AndTheConnectionClosed() throws Exception {
        try (SSLSocket socket = tls("http/1.1")) {
            request(socket, "POST /test/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\nab");
            String response = readUntilClosed(socket);
            assertTrue(response.startsWith("HTTP/1.1 408 Request Timeout\r\n"), response);
            assertTrue(response.contains("connection: close\r\n"), response);
            assertTrue(response.contains("application/problem+json"), response);
            assertTrue(response.contains("\"title\":\"RequestTimeout\""), response);
            assertEquals(1, closed("body_timeout"));
        }
    }

    @Test
    void aBadChunkSizeIsAnswered400AndTheConnectionClosed() throws Exception {
        try (SSLSocket socket = tls("http/1.1")) {
            request(socket, "POST /test/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "zz\r\nhello\r\n0\r\n\r\n");
            String response = readUntilClosed(socket);
            assertTrue(response.startsWith("HTTP/1.1 400 Bad Request\r\n"), response);
            assertTrue(response.contains("connection: close\r\n"), response);
            assertTrue(response.contains("\"title\":\"BadRequest\""), response);
            assertEquals(1, closed("protocol_error"));
        }
    }

    @Test
    void aBadRequestLineIsAnswered400AndTheConnectionClosed() throws Exception {
        try (SSLSocket socket = tls("http/1.1")) {
            request(socket, "GET /healthz HTTP/1.1 extra\r\nHost: 127.0.0.1\r\n\r\n");
            String response = readUntilClosed(socket);
            assertTrue(response.startsWith("HTTP/1.1 400 Bad Request\r\n"), response);
            assertEquals(1, closed("protocol_error"));
        }
    }

    @Test
    void aHeaderOverTheLimitIsAnswered400AndTheConnectionClosed() throws Exception {
        try (SSLSocket socket = tls("http/1.1")) {
            request(socket, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n");
            String response = readUntilClosed(socket);
            assertTrue(response.startsWith("HTTP/1.1 400 Bad Request\r\n"), response);
            assertEquals(1, closed("protocol_error"));
        }
    }

    @Test
    void aBadChunkSizeInsideAConnectBodyClosesTheConnection() throws Exception {
        try (SSLSocket socket = tls("http/1.1")) {
            request(socket, "POST /connect HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
                    + "Content-Type: application/octet-stream\r\n\r\n");
            assertTrue(server.echo.opened.await(5, TimeUnit.SECONDS));
            request(socket, "zz\r\nhello\r\n");
            String response = readUntilClosed(socket);
            assertTrue(response.startsWith("HTTP/1.1 200 OK\r\n"), "the /connect head was already out: " + response);
            assertTrue(server.echo.streams.get(0).transportClosed.await(5, TimeUnit.SECONDS));
            assertEquals(1, closed("protocol_error"));
        }
    }

    @Test
    void anHttp1ConnectStreamIsNeitherIdleNorBodyCut() throws Exception {
        try (SSLSocket socket = tls("http/1.1")) {
            request(socket, "POST /connect HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
                    + "Content-Type: application/octet-stream\r\n\r\n");
            assertTrue(server.echo.opened.await(5, TimeUnit.SECONDS));
            Thread.sleep(PAST_DEADLINES_MS);

            request(socket, "5\r\nhello\r\n");
            String echoed = readUntil(socket, "hello");
            assertTrue(echoed.startsWith("HTTP/1.1 200 OK\r\n"), echoed);
            assertEquals(0, closed("idle") + closed("body_timeout") + closed("header_timeout"));
        }
    }

    // ---- HTTP/2 ----

    @Test
    void anHttp2ConnectionWithoutPrefaceIsCutAtTheHeaderDeadline() throws Exception {
        try (SSLSocket socket = tls("h2")) {
            assertEquals("h2", socket.getApplicationProtocol());
            readUntilClosed(socket); // the server's SETTINGS, then the end
            assertEquals(1, closed("header_timeout"));
        }
    }

    @Test
    void anUnfinishedHttp2HeaderBlockIsCutAtTheHeaderDeadline() throws Exception {
        try (RawH2Client client = new RawH2Client(server.port())) {
            assertNotNull(client.await("SETTINGS", 5_000));
            // HEADERS on stream 1 without END_HEADERS (":method: GET", HPACK index 2); no CONTINUATION follows.
            client.raw(new byte[] {0, 0, 1, 0x1, 0x0, 0, 0, 0, 1, (byte) 0x82});
            assertNotNull(client.await("CLOSED", 5_000));
            assertEquals(1, closed("header_timeout"));
            assertEquals(0, closed("idle"));
        }
    }

    @Test
    void anHttp2ConnectionWithNoOpenStreamIsCutAtTheIdleDeadline() throws Exception {
        try (RawH2Client client = new RawH2Client(server.port())) {
            client.headers(1, "GET", "/healthz", true);
            assertNotNull(client.await("HEADERS 1 200", 5_000));
            assertNotNull(client.await("GOAWAY 0", 5_000), "a graceful GOAWAY(NO_ERROR) first");
            assertNotNull(client.await("CLOSED", 5_000));
            assertEquals(1, closed("idle"));
        }
    }

    @Test
    void anHttp2ConnectionCarryingAConnectIsNeverIdleCut() throws Exception {
        try (H2Client client = new H2Client(server.port())) {
            H2Client.Stream stream = client.open("POST", "/connect", true);
            stream.head.get(5, TimeUnit.SECONDS);
            Thread.sleep(PAST_DEADLINES_MS);

            assertTrue(client.channel.isActive());
            byte[] late = "still here".getBytes(StandardCharsets.US_ASCII);
            stream.send(late);
            assertArrayEquals(late, stream.awaitBody(late.length, 5_000));
            assertEquals(0, closed("idle") + closed("body_timeout") + closed("header_timeout"));
        }
    }

    @Test
    void anHttp2RestBodyThatNeverEndsIsAnswered408AndTheStreamReset() throws Exception {
        try (RawH2Client client = new RawH2Client(server.port())) {
            client.headers(1, "POST", "/test/echo", false);
            assertNotNull(client.await("HEADERS 1 408", 5_000));
            assertNotNull(client.await("RST 1 0", 5_000), "RST_STREAM(NO_ERROR) after the answer");
            assertEquals(1, closed("body_timeout"));
        }
    }

    // ---- helpers ----

    private SSLSocket tls(String alpn) throws Exception {
        SSLSocket socket = (SSLSocket) TestTls.jdkClient("TLSv1.3").getSocketFactory().createSocket("127.0.0.1",
                server.port());
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setApplicationProtocols(new String[] {alpn});
        socket.setSSLParameters(parameters);
        socket.setSoTimeout(5_000);
        socket.startHandshake();
        return socket;
    }

    private static void request(SSLSocket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    /** Everything the server sends until it closes; fails if it has not closed within 5 s. */
    private static String readUntilClosed(SSLSocket socket) throws IOException {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        try {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                seen.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("still open after 5 s; received: " + seen.toString(StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            // Reset after the close: closed all the same.
        }
        return seen.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads until {@code marker} was received. */
    private static String readUntil(SSLSocket socket, String marker) throws IOException {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        while (!seen.toString(StandardCharsets.ISO_8859_1).contains(marker)) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("closed; received: " + seen.toString(StandardCharsets.ISO_8859_1));
            }
            seen.write(b);
        }
        return seen.toString(StandardCharsets.ISO_8859_1);
    }

    /** One response with a content-length body, the connection left open. */
    private static String readResponse(SSLSocket socket) throws IOException {
        String head = readUntil(socket, "\r\n\r\n");
        int length = 0;
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        return head + new String(socket.getInputStream().readNBytes(length), StandardCharsets.ISO_8859_1);
    }

    private double closed(String reason) {
        Counter counter = server.registry.find("ccp.connections.closed").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }
}
