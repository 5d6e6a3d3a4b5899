package io.commucat.ccp.client.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.client.transport.ClientConnection.Protocol;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which protocol a connection speaks, from what was offered and what ALPN answered. */
class ProtocolSelectorTest {

    private static final List<Protocol> BOTH = List.of(Protocol.HTTP_2, Protocol.HTTP_1_1);
    private static final List<Protocol> H2 = List.of(Protocol.HTTP_2);
    private static final List<Protocol> H1 = List.of(Protocol.HTTP_1_1);

    @Test
    void theChosenProtocolIsSpokenWhenItWasOffered() throws IOException {
        assertEquals(Protocol.HTTP_2, ProtocolSelector.select(BOTH, "h2"));
        assertEquals(Protocol.HTTP_1_1, ProtocolSelector.select(BOTH, "http/1.1"));
        assertEquals(Protocol.HTTP_2, ProtocolSelector.select(H2, "h2"));
        assertEquals(Protocol.HTTP_1_1, ProtocolSelector.select(H1, "http/1.1"));
    }

    @Test
    void noAlpnAnswerMeansHttp1WhenHttp1WasOffered() throws IOException {
        assertEquals(Protocol.HTTP_1_1, ProtocolSelector.select(BOTH, null));
        assertEquals(Protocol.HTTP_1_1, ProtocolSelector.select(BOTH, ""));
        assertEquals(Protocol.HTTP_1_1, ProtocolSelector.select(H1, null));
    }

    @Test
    void noAlpnAnswerIsRefusedWhenOnlyH2WasOffered() {
        IOException refused = assertThrows(IOException.class, () -> ProtocolSelector.select(H2, null));

        assertTrue(refused.getMessage().contains("did not negotiate h2"), refused.getMessage());
    }

    @Test
    void aProtocolThatWasNotOfferedIsRefusedWithoutEchoingIt() {
        IOException refused = assertThrows(IOException.class, () -> ProtocolSelector.select(H2, "http/1.1"));
        IOException unknown = assertThrows(IOException.class, () -> ProtocolSelector.select(BOTH, "evil\r\nname"));

        assertTrue(refused.getMessage().contains("not offered (offered: h2)"), refused.getMessage());
        assertFalse(unknown.getMessage().contains("evil"), unknown.getMessage());
    }
}
