package io.commucat.ccp.crypto.proof;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cafe.cryptography.curve25519.EdwardsPoint;
import cafe.cryptography.curve25519.Scalar;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.commucat.ccp.proto.CodecException;
import io.commucat.ccp.proto.ControlJson;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Coverage-guided fuzzing of the handshake proof (docs/fuzzing.md): its JSON form, the hardened
 * verifier and the point-encoding checks. Contract: malformed input is a {@link ProofException}
 * and nothing else; the verifier agrees with the plain equation of spec §3.5 wherever the
 * hardening lets a proof through; the byte-level encoding checks agree with the curve arithmetic.
 */
class ProofFuzzTest {

    /** Any JSON object: a proof that round-trips, or {@link ProofException.Kind#MALFORMED}. */
    @FuzzTest
    void proofJson(byte[] input) {
        ObjectNode node;
        try {
            node = ControlJson.parseObject(input, 0, input.length);
        } catch (CodecException notJson) {
            return; // the frame decoder's business, fuzzed in ccp-proto
        }
        HandshakeProof proof;
        try {
            proof = HandshakeProof.fromJson(node);
        } catch (ProofException e) {
            assertEquals(ProofException.Kind.MALFORMED, e.kind());
            return;
        }
        assertEquals(HandshakeProof.LENGTH, proof.commitment().length);
        assertEquals(HandshakeProof.LENGTH, proof.response().length);
        try {
            assertEquals(proof, HandshakeProof.fromJson(proof.toJson()), "a proof round-trips through its JSON");
        } catch (ProofException e) {
            throw new AssertionError("a parsed proof's own JSON is refused", e);
        }
    }

    /**
     * Any device key, static key, proof, domain and device id: the verifier throws only {@link
     * ProofException}, and its verdict matches the plain equation and the encoding rules. Layout:
     * A (32 bytes), client static (32), R (32), s (32), then the domain and the device id as UTF-8
     * separated by a zero byte; short inputs are padded with zeros.
     */
    @FuzzTest
    void verification(byte[] input) {
        byte[] bytes = input.length >= 128 ? input : Arrays.copyOf(input, 128);
        byte[] devicePublic = Arrays.copyOfRange(bytes, 0, 32);
        byte[] clientStatic = Arrays.copyOfRange(bytes, 32, 64);
        byte[] commitment = Arrays.copyOfRange(bytes, 64, 96);
        byte[] response = Arrays.copyOfRange(bytes, 96, 128);
        String rest = new String(bytes, 128, bytes.length - 128, StandardCharsets.UTF_8);
        int zero = rest.indexOf('\0');
        String domain = zero < 0 ? rest : rest.substring(0, zero);
        String deviceId = zero < 0 ? "" : rest.substring(zero + 1);

        ProofContext context = new ProofContext(domain, deviceId, devicePublic, clientStatic);
        HandshakeProof proof = new HandshakeProof(commitment, response);
        boolean plain = PlainEquation.holds(context, proof);
        try {
            HandshakeVerifier.verify(context, proof);
        } catch (ProofException e) {
            assertRefusalIsJustified(e.kind(), devicePublic, commitment, response, plain);
            return;
        }
        assertTrue(plain, "an accepted proof satisfies s·B == R + c·A");
        for (byte[] point : new byte[][] {devicePublic, commitment}) {
            assertTrue(PointEncoding.isCanonical(point), "accepted points are canonically encoded");
            assertFalse(PointEncoding.isSmallOrder(point), "accepted points are not of small order");
        }
    }

    private static void assertRefusalIsJustified(ProofException.Kind kind, byte[] devicePublic, byte[] commitment,
            byte[] response, boolean plain) {
        switch (kind) {
            case NON_CANONICAL_POINT -> assertTrue(
                    !PointEncoding.isCanonical(devicePublic) || !PointEncoding.isCanonical(commitment));
            case SMALL_ORDER_POINT -> assertTrue(
                    PointEncoding.isSmallOrder(devicePublic) || PointEncoding.isSmallOrder(commitment));
            case NON_CANONICAL_SCALAR -> assertThrows(IllegalArgumentException.class,
                    () -> Scalar.fromCanonicalBytes(response));
            case MALFORMED -> assertTrue(PointEncoding.decompressOrNull(devicePublic) == null
                    || PointEncoding.decompressOrNull(commitment) == null, "MALFORMED names a point off the curve");
            case EQUATION -> assertFalse(plain, "a proof refused for its equation fails the plain equation too");
        }
    }

    /**
     * Any 32 bytes (shorter inputs padded with zeros): the byte-level checks agree with
     * elisabeth's arithmetic. Canonical means the point re-compresses to the same bytes; small
     * order means the cofactor takes it to the identity.
     */
    @FuzzTest
    void pointEncoding(byte[] input) {
        byte[] encoding = Arrays.copyOf(input, PointEncoding.LENGTH);
        EdwardsPoint point = PointEncoding.decompressOrNull(encoding);
        if (point == null) {
            assertNull(PointEncoding.decompressOrNull(encoding.clone()), "decompression is deterministic");
            return;
        }
        byte[] recompressed = point.compress().toByteArray();
        assertEquals(Arrays.equals(recompressed, encoding), PointEncoding.isCanonical(encoding),
                "canonical iff the point re-compresses to the same bytes");
        assertTrue(PointEncoding.isCanonical(recompressed), "compression is always canonical");
        assertEquals(point.multiplyByCofactor().isIdentity(), PointEncoding.isSmallOrder(recompressed),
                "the small-order list holds exactly the points the cofactor kills");
        assertArrayEquals(recompressed, PointEncoding.decompressOrNull(recompressed).compress().toByteArray());
    }
}
