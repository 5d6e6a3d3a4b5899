package io.commucat.ccp.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProtocolVersionsTest {

    @Test
    void picksTheHighestCommonVersion() throws NegotiationException {
        assertEquals(1, ProtocolVersions.negotiate(List.of(3, 1, 2)));
    }

    @Test
    void noCommonVersionIsANegotiationError() {
        var e = assertThrows(NegotiationException.class, () -> ProtocolVersions.negotiate(List.of(2, 3)));
        assertEquals(NegotiationException.Kind.NO_COMMON_VERSION, e.kind());
        assertThrows(NegotiationException.class, () -> ProtocolVersions.negotiate(List.of()));
    }

    @Test
    void supportedVersionsWinOverProtocolVersion() throws NegotiationException {
        assertEquals(1, ProtocolVersions.negotiate(List.of(1), 7));
    }

    @Test
    void protocolVersionAloneMustBeSupported() throws NegotiationException {
        assertEquals(1, ProtocolVersions.negotiate(null, 1));
        var e = assertThrows(NegotiationException.class, () -> ProtocolVersions.negotiate(null, 2));
        assertEquals(NegotiationException.Kind.UNSUPPORTED_VERSION, e.kind());
    }

    @Test
    void neitherFieldMeansVersionOne() throws NegotiationException {
        assertEquals(1, ProtocolVersions.negotiate(null, null));
    }

    @Test
    void fractionalVersionsAreNotVersions() {
        assertThrows(NegotiationException.class, () -> ProtocolVersions.negotiate(List.of(1.5)));
    }
}
