package io.commucat.ccp.crypto.noise;

import static io.commucat.ccp.proto.testing.Vectors.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.commucat.ccp.proto.testing.Vectors;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One Noise test vector in the "cacophony" format, read the way cacophony
 * ({@code tests/vectors/VectorFile.hs}) and snow ({@code tests/vectors.rs}) publish it, so a file
 * taken straight from either project runs. Every field those projects define is understood:
 * <ul>
 *   <li>{@code handshake_hash} is optional (snow omits it) and checked when present;
 *   <li>{@code init_psks} / {@code resp_psks} may be absent or empty (XK and IK take no PSK); a
 *       non-empty list is refused, since it names a pattern with a psk modifier;
 *   <li>{@code name} is a label; {@code fail: true} means the vector must <em>not</em> reproduce;
 *   <li>{@code resp_remote_static} (a pre-known initiator key, used by K patterns) is accepted only
 *       as the initiator's actual static public key;
 *   <li>{@code hybrid}, {@code fallback: true} and {@code fallback_pattern} (hybrid forward
 *       secrecy, Noise Pipes) are refused: CCP runs neither.
 * </ul>
 * A field none of them defines is a failure, never ignored. Failures are {@link AssertionError}s
 * that name the vector and the field.
 */
final class CacophonyVector {

    private static final Set<String> FILE_FIELDS = Set.of("vectors", "source", "description");
    private static final Set<String> FIELDS = Set.of("name", "protocol_name", "fail", "hybrid", "fallback",
            "fallback_pattern", "init_prologue", "init_psks", "init_static", "init_ephemeral", "init_remote_static",
            "resp_prologue", "resp_psks", "resp_static", "resp_ephemeral", "resp_remote_static", "handshake_hash",
            "messages");
    private static final Set<String> MESSAGE_FIELDS = Set.of("payload", "ciphertext");

    /** One handshake or transport message. */
    record Message(byte[] payload, byte[] ciphertext) {
    }

    final String where;
    final NoisePattern pattern;
    final boolean mustFail;
    final byte[] initPrologue;
    final byte[] respPrologue;
    final NoiseKeyPair initStatic;
    final NoiseKeyPair initEphemeral;
    final byte[] initRemoteStatic;
    final NoiseKeyPair respStatic;
    final NoiseKeyPair respEphemeral;
    final Optional<String> handshakeHash;
    final List<Message> messages;

    private CacophonyVector(String where, JsonNode vector) {
        this.where = where;
        Vectors.requireOnlyKnownFields(where, vector, FIELDS);
        String name = text(vector, "protocol_name");
        pattern = NoisePattern.fromProtocolName(name)
                .orElseThrow(() -> new AssertionError(where + ": unknown protocol_name " + name));
        mustFail = optionalBoolean(vector, "fail");
        requireNoPsks(vector, "init_psks", name);
        requireNoPsks(vector, "resp_psks", name);
        JsonNode hybrid = vector.get("hybrid");
        if (hybrid != null && !hybrid.isNull()) {
            throw new AssertionError(where + ": hybrid " + hybrid + " names hybrid forward secrecy, which CCP does not run");
        }
        if (optionalBoolean(vector, "fallback") || vector.has("fallback_pattern")) {
            throw new AssertionError(where + ": fallback (Noise Pipes) is not part of CCP");
        }
        initPrologue = hex(text(vector, "init_prologue"));
        respPrologue = hex(text(vector, "resp_prologue"));
        initStatic = key(vector, "init_static");
        initEphemeral = key(vector, "init_ephemeral");
        initRemoteStatic = hex(text(vector, "init_remote_static"));
        respStatic = key(vector, "resp_static");
        respEphemeral = key(vector, "resp_ephemeral");
        assertEquals(hex(respStatic.publicKey()), hex(initRemoteStatic),
                where + ": init_remote_static is the public key of resp_static");
        if (vector.has("resp_remote_static")) {
            assertEquals(hex(initStatic.publicKey()), text(vector, "resp_remote_static"),
                    where + ": resp_remote_static is the public key of init_static");
        }
        handshakeHash = vector.has("handshake_hash") ? Optional.of(text(vector, "handshake_hash")) : Optional.empty();
        JsonNode list = vector.get("messages");
        if (list == null || !list.isArray()) {
            throw new AssertionError(where + ": messages missing or not an array");
        }
        messages = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode message = list.get(i);
            Vectors.requireOnlyKnownFields(where + " message " + i, message, MESSAGE_FIELDS);
            messages.add(new Message(hex(text(message, "payload")), hex(text(message, "ciphertext"))));
        }
        assertTrue(messages.size() >= pattern.messageCount(), where + ": fewer messages than the handshake");
    }

    /** Reads one vector; an {@link AssertionError} names the first field that is not acceptable. */
    static CacophonyVector read(String where, JsonNode vector) {
        return new CacophonyVector(where, vector);
    }

    /** The {@code vectors} of a file ({@code {"vectors": [...]}}, optionally with our {@code source}, {@code description}). */
    static List<JsonNode> vectorsOf(String where, JsonNode file) {
        Vectors.requireOnlyKnownFields(where, file, FILE_FIELDS);
        JsonNode vectors = file.get("vectors");
        assertTrue(vectors != null && vectors.isArray() && vectors.size() > 0, where + " has no vectors");
        List<JsonNode> out = new ArrayList<>();
        vectors.forEach(out::add);
        return out;
    }

    /** A label for test names: the vector's {@code name}, else its protocol name. */
    static String label(JsonNode vector) {
        JsonNode name = vector.get("name");
        return name != null && name.isTextual() ? name.asText() : vector.path("protocol_name").asText("?");
    }

    /**
     * Plays {@code role} with {@code engine}: reproduces each of its ciphertexts, decrypts each of
     * the peer's, reaches the handshake hash when given, then continues with transport messages
     * (sides alternate, initiator first). A vector marked {@code fail} must not get through.
     */
    void check(NoiseEngine engine, NoiseRole role) throws NoiseException {
        if (!mustFail) {
            reproduce(engine, role);
            return;
        }
        try {
            reproduce(engine, role);
        } catch (AssertionError | NoiseException expectedFailure) {
            return;
        }
        throw new AssertionError(where + ": marked fail, but reproduced as " + role + " with " + engine);
    }

    private void reproduce(NoiseEngine engine, NoiseRole role) throws NoiseException {
        NoiseHandshake handshake = role == NoiseRole.INITIATOR
                ? engine.withFixedEphemeralForTesting(role, pattern, initStatic, initRemoteStatic, initPrologue, initEphemeral)
                : engine.withFixedEphemeralForTesting(role, pattern, respStatic, null, respPrologue, respEphemeral);
        NoiseTransport transport = null;
        for (int i = 0; i < messages.size(); i++) {
            Message message = messages.get(i);
            boolean mine = role.writes(i);
            String what = where + " message " + i;
            if (i < pattern.messageCount()) {
                if (mine) {
                    assertEquals(hex(message.ciphertext()), hex(handshake.writeMessage(message.payload())), what);
                } else {
                    assertEquals(hex(message.payload()), hex(handshake.readMessage(message.ciphertext())), what);
                }
                if (i == pattern.messageCount() - 1) {
                    if (handshakeHash.isPresent()) {
                        assertEquals(handshakeHash.get(), hex(handshake.handshakeHash()), where + " hash");
                    }
                    NoiseKeyPair peer = role == NoiseRole.INITIATOR ? respStatic : initStatic;
                    assertEquals(hex(peer.publicKey()), hex(handshake.remoteStatic().orElseThrow()),
                            where + " remote static");
                    transport = handshake.split();
                }
            } else if (mine) {
                assertEquals(hex(message.ciphertext()), hex(transport.encrypt(message.payload())), what);
            } else {
                assertEquals(hex(message.payload()), hex(transport.decrypt(message.ciphertext())), what);
            }
        }
        assertNotNull(transport, where + ": handshake did not complete");
    }

    private void requireNoPsks(JsonNode vector, String field, String protocol) {
        JsonNode psks = vector.get(field);
        if (psks == null || psks.isNull()) {
            return;
        }
        if (!psks.isArray()) {
            throw new AssertionError(where + ": " + field + " must be an array of hex keys");
        }
        if (psks.size() > 0) {
            throw new AssertionError(where + ": " + field + " holds " + psks.size() + " pre-shared key(s), but "
                    + protocol + " has no psk modifier; CCP runs XK and IK without PSKs");
        }
    }

    private boolean optionalBoolean(JsonNode vector, String field) {
        JsonNode value = vector.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw new AssertionError(where + ": " + field + " must be true or false");
        }
        return value.booleanValue();
    }

    private NoiseKeyPair key(JsonNode vector, String field) {
        return NoiseKeyPair.fromPrivateKey(hex(text(vector, field)));
    }

    private String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new AssertionError(where + ": vector field " + field + " missing or not a string");
        }
        return value.asText();
    }
}
