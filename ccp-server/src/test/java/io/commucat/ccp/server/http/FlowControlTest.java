package io.commucat.ccp.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The connection-level receive window the server opens (security.http.connection_window_size). */
@Timeout(20)
class FlowControlTest {

    /** RFC 9113 §6.9.2: every connection starts with 65 535 bytes of window. */
    static final int PROTOCOL_DEFAULT_WINDOW = 65_535;

    @Test
    void theServerRaisesTheConnectionWindowRightAfterItsSettings() throws Exception {
        try (TestServer server = new TestServer(); RawH2Client client = new RawH2Client(server.port())) {
            assertEquals("WINDOW_UPDATE 0 " + (TestServer.CONNECTION_WINDOW - PROTOCOL_DEFAULT_WINDOW),
                    client.await("WINDOW_UPDATE 0", 5_000));
        }
    }
}
