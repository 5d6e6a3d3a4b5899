package io.commucat.ccp.crypto.cert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.commucat.ccp.crypto.Hex;
import io.commucat.ccp.crypto.cert.CertificateException.Kind;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Coverage-guided fuzzing of device certificate parsing and checking (docs/fuzzing.md). Contract:
 * any text is a certificate or a {@link CertificateException} of a parse kind, nothing else; a
 * parsed certificate round-trips through both its wire text and its JSON tree; signature and
 * validity checks refuse only with their own kinds.
 */
class CertificateFuzzTest {

    /** The device CA of certificates.json, so the seeds' signatures verify. */
    private static final CertificateVerifier VERIFIER =
            new CertificateVerifier(Hex.decode("049b701bed5728887bbc63f331a0cde75a85d9f4d5a4aa0e4123da99dd146169"));

    private static final Set<Kind> PARSE_KINDS =
            Set.of(Kind.MALFORMED_JSON, Kind.MISSING_FIELD, Kind.UNKNOWN_FIELD, Kind.INVALID_FIELD);
    private static final Set<Kind> SIGNATURE_KINDS = Set.of(Kind.UNTRUSTED_ISSUER, Kind.BAD_SIGNATURE);
    private static final Set<Kind> WINDOW_KINDS = Set.of(Kind.INVALID_VALIDITY_WINDOW, Kind.EXPIRED, Kind.NOT_YET_VALID);

    @FuzzTest
    void wireJson(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        DeviceCertificate certificate;
        try {
            certificate = DeviceCertificate.parse(text);
        } catch (CertificateException e) {
            assertTrue(PARSE_KINDS.contains(e.kind()), "parsing refuses with a parse kind, got " + e.kind());
            return;
        }
        CertificateFields fields = certificate.fields();
        try {
            assertEquals(certificate, DeviceCertificate.parse(certificate.toWireJson()), "wire text round-trips");
            assertEquals(certificate, DeviceCertificate.fromJson(certificate.toJson()), "JSON tree round-trips");
        } catch (CertificateException e) {
            throw new AssertionError("a parsed certificate's own form is refused: " + e.kind(), e);
        }
        String wire = certificate.toWireJson();
        String canonical = fields.canonicalJson();
        assertTrue(wire.startsWith(canonical.substring(0, canonical.length() - 1)),
                "the wire form is the signed form plus the signature");

        try {
            VERIFIER.verify(certificate);
        } catch (CertificateException e) {
            assertTrue(SIGNATURE_KINDS.contains(e.kind()), "verification refuses with a signature kind, got " + e.kind());
        }
        for (long now : new long[] {Long.MIN_VALUE, 0, 1_700_000_000L, Long.MAX_VALUE}) {
            try {
                CertificateValidity.check(fields, fields.userId(), fields.deviceId(), now);
            } catch (CertificateException e) {
                assertTrue(WINDOW_KINDS.contains(e.kind()), "its own subject fails only on dates, got " + e.kind());
            }
        }
    }
}
