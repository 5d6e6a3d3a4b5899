package io.commucat.ccp.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.server.config.ServerConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** RFC 6455 on an HTTP/1.1 connection: the behaviours of the base class, and the opening handshake. */
class WebSocketH1Test extends AbstractWebSocketConnectTest {

    @Override
    WsDriver open(TestServer server) throws Exception {
        return H1WsDriver.upgrade(server.port(), "");
    }

    @Test
    void upgradeIsAnswered101WithTheAcceptKey() {
        H1WsDriver driver = (H1WsDriver) ws;
        assertEquals("HTTP/1.1 101 Switching Protocols", driver.statusLine);
        // RFC 6455 §1.3's sample key and its accept value.
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", driver.head().get("sec-websocket-accept"));
        assertEquals("websocket", driver.head().get("upgrade").toLowerCase());
    }

    @Test
    void permessageDeflateOfferIsIgnored() throws Exception {
        try (H1WsDriver offered = H1WsDriver.upgrade(server.port(),
                "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n")) {
            assertNull(offered.head().get("sec-websocket-extensions"));
            offered.send(WsWire.binary(HELLO));
            WsWire.Frame frame = offered.next();
            assertEquals(0, frame.opcode() & 0x70, "no RSV bit: nothing compressed");
        }
    }

    @Test
    void wrongVersionIs426NamingVersion13() throws Exception {
        try (H1WsDriver refused = new H1WsDriver(server.port(), H1WsDriver.request("GET", "8", ""))) {
            assertTrue(refused.statusLine.startsWith("HTTP/1.1 426"), refused.statusLine);
            assertEquals("13", refused.head().get("sec-websocket-version"));
            assertEquals("application/problem+json", refused.head().get("content-type"));
        }
    }

    @Test
    void upgradeThatIsNotAGetIs400() throws Exception {
        try (H1WsDriver refused = new H1WsDriver(server.port(),
                H1WsDriver.request("POST", "13", "Content-Length: 0\r\n"))) {
            assertTrue(refused.statusLine.startsWith("HTTP/1.1 400"), refused.statusLine);
        }
    }

    @Test
    void keyThatIsNotSixteenBytesIs400() throws Exception {
        String request = H1WsDriver.request("GET", "13", "").replace(H1WsDriver.KEY, "c2hvcnQ=");
        try (H1WsDriver refused = new H1WsDriver(server.port(), request)) {
            assertTrue(refused.statusLine.startsWith("HTTP/1.1 400"), refused.statusLine);
        }
    }

    @Test
    void modeQueryWithoutAnUpgradeIs426() throws Exception {
        String request = "GET /connect?mode=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        try (H1WsDriver refused = new H1WsDriver(server.port(), request)) {
            assertTrue(refused.statusLine.startsWith("HTTP/1.1 426"), refused.statusLine);
        }
    }

    @Test
    void readerThatTakesNothingForTheStallTimeoutIsCut() throws Exception {
        try (TestServer stalling = new TestServer(new EchoHandler(), b -> b.socketSendBuffer(16 * 1024)
                .downstream(new ServerConfig.Downstream(64 * 1024, Duration.ofSeconds(1))));
                H1WsDriver reader = H1WsDriver.upgrade(stalling.port(), "")) {
            reader.socket.setReceiveBufferSize(16 * 1024);
            byte[] payload = new byte[16 * 1024];
            // Echoed back and never read: the server's writes back up, then nothing moves.
            for (int i = 0; i < 64; i++) {
                reader.send(WsWire.binary(payload));
            }
            assertTrue(stalling.echo.opened.await(5, java.util.concurrent.TimeUnit.SECONDS));
            assertTrue(stalling.echo.streams.get(0).transportClosed.await(10, java.util.concurrent.TimeUnit.SECONDS),
                    "the stalled reader's session was not cut");
            assertTrue(reader.awaitClosed(), "the connection stayed open");
        }
    }

    @Test
    void upgradedConnectionOutlivesTheHttp1Deadlines() throws Exception {
        Duration deadline = Duration.ofMillis(500);
        ServerConfig.Timeouts timeouts = new ServerConfig.Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(30),
                deadline, deadline, deadline);
        try (TestServer short_ = new TestServer(new EchoHandler(), b -> b.timeouts(timeouts));
                H1WsDriver quiet = H1WsDriver.upgrade(short_.port(), "")) {
            // Quiet for well past the header, body and idle deadlines: an upgraded connection is
            // not an HTTP/1.1 one waiting for a request.
            Thread.sleep(deadline.toMillis() * 3);
            quiet.send(WsWire.binary(HELLO));
            assertEquals(WsWire.BINARY, quiet.next().opcode());
            assertEquals(1L, short_.echo.streams.get(0).transportClosed.getCount());
        }
    }
}
