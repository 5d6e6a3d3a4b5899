package io.commucat.ccp.server.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.commucat.ccp.proto.CodecException;
import io.commucat.ccp.proto.ControlJson;
import io.commucat.ccp.proto.ProtocolVersions;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Coverage-guided fuzzing of Hello parsing (ccp-1.md §3.1–3.2 steps 1–3; docs/fuzzing.md). Any
 * control object is a well-formed {@link HelloRequest} or a {@link HandshakeException} of kind
 * INVALID or NEGOTIATION, never another exception.
 */
class HelloRequestFuzzTest {

    private static final Set<HandshakeException.Kind> PARSE_KINDS =
            Set.of(HandshakeException.Kind.INVALID, HandshakeException.Kind.NEGOTIATION);

    /** The versions a Hello offers, as exact numbers: supported_versions, else protocol_version. */
    private static List<BigInteger> offered(ObjectNode json) {
        List<BigInteger> versions = new ArrayList<>();
        JsonNode list = json.get("supported_versions");
        if (list != null && !list.isNull()) {
            list.forEach(v -> versions.add(v.bigIntegerValue()));
        } else if (json.hasNonNull("protocol_version")) {
            versions.add(json.get("protocol_version").bigIntegerValue());
        } else {
            versions.add(BigInteger.ONE); // neither: the protocol's default (§2.2)
        }
        return versions;
    }

    @FuzzTest
    void helloObject(byte[] input) {
        ObjectNode json;
        try {
            json = ControlJson.parseObject(input, 0, input.length);
        } catch (CodecException notAnObject) {
            return; // never reaches Hello parsing: the frame decoder refuses it (fuzzed in ccp-proto)
        }
        HelloRequest hello;
        try {
            hello = HelloRequest.parse(json);
        } catch (HandshakeException e) {
            assertTrue(PARSE_KINDS.contains(e.kind()), "Hello parsing refuses with INVALID or NEGOTIATION, got " + e.kind());
            assertNotNull(e.detail());
            return;
        }
        assertTrue(ProtocolVersions.SUPPORTED.contains(hello.protocolVersion()), "a negotiated version is ours");
        assertTrue(offered(json).contains(BigInteger.valueOf(hello.protocolVersion())),
                "the negotiated version is one the device offered, exactly");
        assertNotNull(hello.pattern());
        assertFalse(hello.deviceId().isBlank());
        assertTrue(hello.deviceId().length() <= HelloRequest.MAX_ID_LENGTH);
        assertTrue(hello.deviceId().chars().noneMatch(Character::isISOControl), "no control characters in ids");
        assertEquals(32, hello.clientStatic().length);
        assertEquals(32, hello.devicePublic().length);
        assertNotNull(hello.handshake());
        assertNotNull(hello.proof());
    }
}
