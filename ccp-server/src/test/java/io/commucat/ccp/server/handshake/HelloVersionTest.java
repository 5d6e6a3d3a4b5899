package io.commucat.ccp.server.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.commucat.ccp.proto.ControlJson;
import org.junit.jupiter.api.Test;

/**
 * Version numbers in a Hello are compared exactly (found by HelloRequestFuzzTest: a version of
 * 2^64 + 1 wrapped to 1 and was accepted as version 1).
 */
class HelloVersionTest {

    private static HandshakeException refusal(String json) {
        return assertThrows(HandshakeException.class, () -> HelloRequest.parse(ControlJson.mapper().readTree(json)));
    }

    @Test
    void aListedVersionBeyondSixtyFourBitsIsNotVersionOne() {
        assertEquals(HandshakeException.Kind.NEGOTIATION,
                refusal("{\"supported_versions\":[18446744073709551617]}").kind());
    }

    @Test
    void aSingleVersionBeyondSixtyFourBitsIsUnsupported() {
        assertEquals(HandshakeException.Kind.NEGOTIATION, refusal("{\"protocol_version\":18446744073709551617}").kind());
    }

    @Test
    void aHugeVersionBesideVersionOneLeavesVersionOneNegotiable() {
        // Negotiation passes; parsing goes on to the next field.
        HandshakeException e = refusal("{\"supported_versions\":[18446744073709551617,1]}");
        assertEquals(HandshakeException.Kind.INVALID, e.kind());
        assertEquals("pattern must be XK or IK", e.detail());
    }
}
