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
    void endOfTheRequestStreamEndsTheSession() throws Exception {
        ((H2WsDriver) ws).endRequest();
        assertClose(1000);
        assertTrue(server.echo.streams.get(0).transportClosed.await(5, TimeUnit.SECONDS));
    }
}
