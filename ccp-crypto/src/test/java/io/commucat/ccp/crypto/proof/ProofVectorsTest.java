package io.commucat.ccp.crypto.proof;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import io.commucat.ccp.crypto.keys.DeviceKeyPair;
import io.commucat.ccp.crypto.proof.ProofException.Kind;
import io.commucat.ccp.proto.testing.Vectors;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Conformance with {@code zkp.json}: every entry is a test, and an entry not understood fails. */
class ProofVectorsTest {

    private static final JsonNode ZKP = Vectors.load("zkp.json");

    private static final Set<String> TOP_LEVEL = Set.of("description", "device_keys", "valid", "invalid");
    private static final Set<String> KEY_FIELDS = Set.of("name", "seed_hex", "private_hex", "public_hex");
    private static final Set<String> PROOF_FIELDS =
            Set.of("name", "domain", "device_id", "device_public", "client_static", "context_hex", "zkp");
    private static final Set<String> INVALID_PROOF_FIELDS = union(PROOF_FIELDS, Set.of("hardening"));
    private static final Set<String> ZKP_FIELDS = Set.of("commitment", "response");
    private static final Map<String, Kind> HARDENING_KINDS =
            Map.of("small_order", Kind.SMALL_ORDER_POINT, "non_canonical", Kind.NON_CANONICAL_POINT);

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    @Test
    void fileHasOnlyKnownSections() {
        Vectors.requireOnlyKnownFields("zkp.json", ZKP, TOP_LEVEL);
        for (String section : List.of("device_keys", "valid", "invalid")) {
            assertTrue(ZKP.path(section).isArray() && ZKP.path(section).size() > 0, section + " must be a non-empty array");
        }
    }

    @TestFactory
    Stream<DynamicTest> deviceKeysDeriveTheSameSecretAndPublicKey() {
        return entries("device_keys").map(entry -> dynamicTest(entry.path("name").asText(), () -> {
            Vectors.requireOnlyKnownFields("device_keys/" + entry.path("name").asText(), entry, KEY_FIELDS);
            DeviceKeyPair keys = DeviceKeyPair.fromSeed(Vectors.hex(entry.get("seed_hex").textValue()));
            assertEquals(entry.get("private_hex").textValue(), Vectors.hex(keys.secretKey()));
            assertEquals(entry.get("public_hex").textValue(), Vectors.hex(keys.publicKey()));
        }));
    }

    @TestFactory
    Stream<DynamicTest> ownProofsVerifyForEachDeviceKey() {
        return entries("device_keys").map(entry -> dynamicTest(entry.path("name").asText(), () -> {
            DeviceKeyPair keys = DeviceKeyPair.fromSeed(Vectors.hex(entry.get("seed_hex").textValue()));
            for (ProofContext context : contextsFor(keys)) {
                HandshakeProof proof = new HandshakeProver(new SecureRandom()).prove(keys, context);
                assertDoesNotThrow(() -> HandshakeVerifier.verify(context, proof));
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> validProofsBuildTheSameContextAndVerify() {
        return entries("valid").map(entry -> dynamicTest(entry.path("name").asText(), () -> {
            requireKnown("valid", entry, PROOF_FIELDS);
            ProofContext context = context(entry);
            assertEquals(entry.get("context_hex").textValue(), Vectors.hex(context.encode()));
            HandshakeProof proof = HandshakeProof.fromJson(entry.get("zkp"));
            assertDoesNotThrow(() -> HandshakeVerifier.verify(context, proof));
        }));
    }

    @TestFactory
    Stream<DynamicTest> invalidProofsAreRejected() {
        return entries("invalid").map(entry -> dynamicTest(entry.path("name").asText(), () -> {
            requireKnown("invalid", entry, INVALID_PROOF_FIELDS);
            ProofContext context = context(entry);
            assertEquals(entry.get("context_hex").textValue(), Vectors.hex(context.encode()));
            HandshakeProof proof = HandshakeProof.fromJson(entry.get("zkp"));
            ProofException rejection = assertThrows(ProofException.class, () -> HandshakeVerifier.verify(context, proof));
            JsonNode hardening = entry.get("hardening");
            if (hardening != null) {
                Kind expected = HARDENING_KINDS.get(hardening.asText());
                if (expected == null) {
                    throw new AssertionError("unknown hardening value: " + hardening);
                }
                assertTrue(PlainEquation.holds(context, proof), "a hardening vector must pass the bare equation");
                assertEquals(expected, rejection.kind());
            }
        }));
    }

    private static void requireKnown(String section, JsonNode entry, Set<String> fields) {
        String where = section + "/" + entry.path("name").asText();
        Vectors.requireOnlyKnownFields(where, entry, fields);
        Vectors.requireOnlyKnownFields(where + "/zkp", entry.path("zkp"), ZKP_FIELDS);
    }

    private static ProofContext context(JsonNode entry) {
        return new ProofContext(
                entry.get("domain").textValue(),
                entry.get("device_id").textValue(),
                Vectors.hex(entry.get("device_public").textValue()),
                Vectors.hex(entry.get("client_static").textValue()));
    }

    /** The contexts of the valid vectors made for this key, or a fixed one when there are none. */
    private static List<ProofContext> contextsFor(DeviceKeyPair keys) {
        List<ProofContext> contexts = new ArrayList<>();
        entries("valid").map(ProofVectorsTest::context).filter(c -> keys.hasPublicKey(c.devicePublic()))
                .forEach(contexts::add);
        if (contexts.isEmpty()) {
            contexts.add(new ProofContext("example.org", "device-1", keys.publicKey(), new byte[32]));
        }
        return contexts;
    }

    private static Stream<JsonNode> entries(String section) {
        List<JsonNode> list = new ArrayList<>();
        ZKP.path(section).forEach(list::add);
        return list.stream();
    }
}
