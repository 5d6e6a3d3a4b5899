package io.commucat.ccp.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link IdleFleet} against a real node ({@link EmbeddedNode}: TLS, HTTP/2, the whole
 * bootstrap): every device registers and stays established, sharing connections as asked.
 */
@Timeout(120)
class IdleFleetTest {

    @Test
    void devicesShareConnectionsAsAskedAndStayEstablished() throws Exception {
        try (EmbeddedNode node = EmbeddedNode.start(Map.of());
                IdleFleet fleet = new IdleFleet(URI.create("https://127.0.0.1:" + node.port()), node.devCa(),
                        List.of(InetAddress.getByName("127.0.0.2"), InetAddress.getByName("127.0.0.3")), 4, 1, 8, 0)) {
            fleet.open(10, "test");

            assertEquals(10, fleet.established());
            assertEquals(0, fleet.failed());
            assertEquals(3, fleet.connections()); // 4 + 4 + 2 streams
            assertEquals(0, fleet.ended());
        }
    }
}
