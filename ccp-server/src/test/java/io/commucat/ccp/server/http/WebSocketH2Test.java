package io.commucat.ccp.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** RFC 8441: WebSocket on an HTTP/2 stream opened with an extended CONNECT. */
class WebSocketH2Test extends AbstractWebSocketConnectTest {

    @Override
    WsDriver open(TestServer server) throws Exception {
        H2WsDriver driver = new H2WsDriver(server.port(), Map.of());
        assertEquals("200", driver.status());
        return driver;
    }

    @Test
    void websocketModeWithoutExtendedConnectIs400() throws Exception {
        try (H2Client client = new H2Client(server.port())) {
            H2Client.Stream stream = client.open("GET", "/connect?mode=websocket", true);
            stream.end();
            assertEquals("400", stream.head.get(5, TimeUnit.SECONDS).status().toString());
        }
    }

    @Test
    void serversSettingsEnableExtendedConnect() throws Exception {
        try (RawH2Client raw = new RawH2Client(server.port())) {
            String settings = raw.await("SETTINGS", 5_000);
            assertTrue(settings != null && settings.contains("ENABLE_CONNECT_PROTOCOL=1"), settings);
        }
    }

    @Test
    void endOfTheRequestStreamEndsTheSession() throws Exception {
        ((H2WsDriver) ws).endRequest();
        assertClose(1000);
        assertTrue(server.echo.streams.get(0).transportClosed.await(5, TimeUnit.SECONDS));
    }
}
