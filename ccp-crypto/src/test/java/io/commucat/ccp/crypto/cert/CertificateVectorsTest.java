package io.commucat.ccp.crypto.cert;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import io.commucat.ccp.crypto.cert.CertificateException.Kind;
import io.commucat.ccp.crypto.keys.DeviceCaKeyPair;
import io.commucat.ccp.proto.testing.Vectors;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Conformance with {@code certificates.json}: every entry is a test, and an entry not understood fails. */
class CertificateVectorsTest {

    private static final JsonNode CERTS = Vectors.load("certificates.json");

    private static final Set<String> TOP_LEVEL =
            Set.of("description", "ca_seed_hex", "ca_private_hex", "ca_public_hex", "valid", "invalid");
    private static final Set<String> VALID_FIELDS = Set.of("name", "canonical_json", "signature_hex", "wire_json");
    private static final Set<String> INVALID_FIELDS = Set.of("name", "wire_json");
    private static final Set<Kind> VERIFICATION_KINDS = Set.of(Kind.UNTRUSTED_ISSUER, Kind.BAD_SIGNATURE);

    private static DeviceCaKeyPair ca() {
        return DeviceCaKeyPair.fromSeed(Vectors.hex(CERTS.get("ca_seed_hex").textValue()));
    }

    private static CertificateVerifier verifier() {
        return new CertificateVerifier(Vectors.hex(CERTS.get("ca_public_hex").textValue()));
    }

    @Test
    void fileHasOnlyKnownSections() {
        Vectors.requireOnlyKnownFields("certificates.json", CERTS, TOP_LEVEL);
        for (String section : List.of("valid", "invalid")) {
            assertTrue(CERTS.path(section).isArray() && CERTS.path(section).size() > 0, section + " must be a non-empty array");
        }
    }

    @Test
    void caKeyIsDerivedFromItsSeedLikeADeviceKey() {
        DeviceCaKeyPair ca = ca();
        assertEquals(CERTS.get("ca_private_hex").textValue(), Vectors.hex(ca.secretKey()));
        assertEquals(CERTS.get("ca_public_hex").textValue(), Vectors.hex(ca.publicKey()));
    }

    @TestFactory
    Stream<DynamicTest> validCertificatesRoundTripSignIdenticallyAndVerify() {
        return entries("valid").map(entry -> dynamicTest(entry.path("name").asText(), () -> {
            Vectors.requireOnlyKnownFields("valid/" + entry.path("name").asText(), entry, VALID_FIELDS);
            String wire = entry.get("wire_json").textValue();
            DeviceCertificate certificate = DeviceCertificate.parse(wire);
            assertEquals(entry.get("canonical_json").textValue(), certificate.fields().canonicalJson());
            assertEquals(entry.get("signature_hex").textValue(), Vectors.hex(certificate.signature()));
            DeviceCertificate resigned = new DeviceCertificateAuthority(ca()).sign(certificate.fields());
            assertEquals(entry.get("signature_hex").textValue(), Vectors.hex(resigned.signature()));
            assertEquals(wire, resigned.toWireJson());
            assertDoesNotThrow(() -> verifier().verify(certificate));
        }));
    }

    @TestFactory
    Stream<DynamicTest> invalidCertificatesParseButAreRejectedByVerification() {
        return entries("invalid").map(entry -> dynamicTest(entry.path("name").asText(), () -> {
            Vectors.requireOnlyKnownFields("invalid/" + entry.path("name").asText(), entry, INVALID_FIELDS);
            DeviceCertificate certificate = DeviceCertificate.parse(entry.get("wire_json").textValue());
            Kind kind = assertThrows(CertificateException.class, () -> verifier().verify(certificate)).kind();
            assertTrue(VERIFICATION_KINDS.contains(kind), "unexpected kind " + kind);
        }));
    }

    private static Stream<JsonNode> entries(String section) {
        List<JsonNode> list = new ArrayList<>();
        CERTS.path(section).forEach(list::add);
        return list.stream();
    }
}
