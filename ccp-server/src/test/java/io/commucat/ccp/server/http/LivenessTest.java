package io.commucat.ccp.server.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** ccp-1.md §4.3 with a 200 ms PING interval. */
@Timeout(20)
class LivenessTest {

    TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void silentPeerThatAnswersPingsIsKept() throws Exception {
        try (H2Client client = new H2Client(server.port())) {
            H2Client.Stream stream = client.open("POST", "/connect", true);
            stream.head.get(5, TimeUnit.SECONDS);
            Thread.sleep(6 * TestServer.PING.toMillis());
            assertTrue(client.pingsAnswered.get() >= 3, "pings seen: " + client.pingsAnswered.get());
            assertTrue(client.channel.isActive());
            byte[] late = "still here".getBytes(StandardCharsets.US_ASCII);
            stream.send(late);
            assertArrayEquals(late, stream.awaitBody(late.length, 5_000));
        }
    }

    @Test
    void peerThatSuppressesPingAcksIsClosedWithinTwoIntervals() throws Exception {
        try (RawH2Client client = new RawH2Client(server.port())) {
            client.headers(1, "POST", "/connect", false);
            assertNotNull(client.await("HEADERS 1 200", 5_000));
            long opened = System.nanoTime();
            assertNotNull(client.await("PING", 2_000), "the server pings a /connect connection");
            assertNotNull(client.await("CLOSED", 5_000));
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opened);
            // First PING after one interval, closed when the second is due: ~2 intervals.
            assertTrue(elapsedMs < 2 * TestServer.PING.toMillis() + 400, "closed after " + elapsedMs + " ms");
            assertTrue(server.echo.streams.get(0).transportClosed.await(2, TimeUnit.SECONDS));
        }
    }

    @Test
    void connectionWithoutConnectStreamIsNotPinged() throws Exception {
        try (RawH2Client client = new RawH2Client(server.port())) {
            client.headers(1, "GET", "/healthz", true);
            assertNotNull(client.await("HEADERS 1 200", 5_000));
            assertNull(client.await("PING", 3 * TestServer.PING.toMillis()));
        }
    }
}
