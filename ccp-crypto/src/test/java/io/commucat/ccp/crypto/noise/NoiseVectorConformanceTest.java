package io.commucat.ccp.crypto.noise;

import static io.commucat.ccp.proto.testing.Vectors.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.commucat.ccp.proto.testing.Vectors;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * noise.json (cacophony format): every vector, as initiator and as responder, in both engines,
 * reproduces every ciphertext, decrypts every payload and reaches the handshake hash. Anything
 * in the file this test does not understand is a failure, never a skip.
 */
class NoiseVectorConformanceTest {

    private static final Set<String> FILE_FIELDS = Set.of("source", "description", "vectors");
    private static final Set<String> VECTOR_FIELDS = Set.of("protocol_name", "init_prologue", "init_static",
            "init_ephemeral", "init_remote_static", "resp_prologue", "resp_static", "resp_ephemeral",
            "handshake_hash", "messages");
    private static final Set<String> MESSAGE_FIELDS = Set.of("payload", "ciphertext");

    @TestFactory
    List<DynamicTest> everyVectorIsReproducedByBothRolesInBothEngines() {
        JsonNode file = Vectors.load("noise.json");
        Vectors.requireOnlyKnownFields("noise.json", file, FILE_FIELDS);
        JsonNode vectors = file.get("vectors");
        assertTrue(vectors != null && vectors.isArray() && vectors.size() > 0, "noise.json has no vectors");
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < vectors.size(); i++) {
            JsonNode vector = vectors.get(i);
            String where = "vector " + i + " (" + vector.path("protocol_name").asText("?") + ")";
            for (NoiseEngine engine : NoiseEngine.values()) {
                for (NoiseRole role : NoiseRole.values()) {
                    tests.add(DynamicTest.dynamicTest(where + " as " + role + " with " + engine,
                            () -> reproduce(where, vector, engine, role)));
                }
            }
        }
        return tests;
    }

    private static void reproduce(String where, JsonNode vector, NoiseEngine engine, NoiseRole role)
            throws NoiseException {
        Vectors.requireOnlyKnownFields(where, vector, VECTOR_FIELDS);
        String name = vector.get("protocol_name").asText();
        NoisePattern pattern = NoisePattern.fromProtocolName(name)
                .orElseThrow(() -> new AssertionError(where + ": unknown protocol_name " + name));
        NoiseKeyPair responderStatic = NoiseKeyPair.fromPrivateKey(hex(text(vector, "resp_static")));
        NoiseKeyPair initiatorStatic = NoiseKeyPair.fromPrivateKey(hex(text(vector, "init_static")));
        assertEquals(text(vector, "init_remote_static"), hex(responderStatic.publicKey()),
                where + ": init_remote_static is the public key of resp_static");

        NoiseHandshake handshake = role == NoiseRole.INITIATOR
                ? engine.withFixedEphemeralForTesting(role, pattern, initiatorStatic,
                        hex(text(vector, "init_remote_static")), hex(text(vector, "init_prologue")),
                        NoiseKeyPair.fromPrivateKey(hex(text(vector, "init_ephemeral"))))
                : engine.withFixedEphemeralForTesting(role, pattern, responderStatic, null,
                        hex(text(vector, "resp_prologue")),
                        NoiseKeyPair.fromPrivateKey(hex(text(vector, "resp_ephemeral"))));

        JsonNode messages = vector.get("messages");
        assertTrue(messages.size() >= pattern.messageCount(), where + ": fewer messages than the handshake");
        NoiseTransport transport = null;
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            Vectors.requireOnlyKnownFields(where + " message " + i, message, MESSAGE_FIELDS);
            byte[] payload = hex(text(message, "payload"));
            byte[] ciphertext = hex(text(message, "ciphertext"));
            // Sides alternate, initiator first, through the handshake and beyond.
            boolean mine = role.writes(i);
            String what = where + " message " + i;
            if (i < pattern.messageCount()) {
                if (mine) {
                    assertEquals(hex(ciphertext), hex(handshake.writeMessage(payload)), what);
                } else {
                    assertEquals(hex(payload), hex(handshake.readMessage(ciphertext)), what);
                }
                if (i == pattern.messageCount() - 1) {
                    assertEquals(text(vector, "handshake_hash"), hex(handshake.handshakeHash()), where + " hash");
                    NoiseKeyPair peer = role == NoiseRole.INITIATOR ? responderStatic : initiatorStatic;
                    assertEquals(hex(peer.publicKey()), hex(handshake.remoteStatic().orElseThrow()),
                            where + " remote static");
                    transport = handshake.split();
                }
            } else if (mine) {
                assertEquals(hex(ciphertext), hex(transport.encrypt(payload)), what);
            } else {
                assertEquals(hex(payload), hex(transport.decrypt(ciphertext)), what);
            }
        }
        assertNotNull(transport, where + ": handshake did not complete");
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new AssertionError("vector field " + field + " missing or not a string");
        }
        return value.asText();
    }
}
