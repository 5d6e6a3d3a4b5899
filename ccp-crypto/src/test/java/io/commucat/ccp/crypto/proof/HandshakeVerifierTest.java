package io.commucat.ccp.crypto.proof;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cafe.cryptography.curve25519.Constants;
import cafe.cryptography.curve25519.Scalar;
import io.commucat.ccp.crypto.Hex;
import io.commucat.ccp.crypto.keys.DeviceKeyPair;
import io.commucat.ccp.crypto.proof.ProofException.Kind;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class HandshakeVerifierTest {

    private static final DeviceKeyPair KEYS =
            DeviceKeyPair.fromSeed("seed-seed-seed-seed-seed-seed-seed-seed".getBytes(StandardCharsets.US_ASCII));
    private static final byte[] CLIENT_STATIC = new byte[32];
    private static final ProofContext CONTEXT = new ProofContext("example.org", "device-1", KEYS.publicKey(), CLIENT_STATIC);
    private static final HandshakeProver PROVER = new HandshakeProver(new SecureRandom());
    private static final BigInteger ORDER = BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));
    private static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
    private static final byte[] IDENTITY = PointEncoding.SMALL_ORDER.get(0);

    private static Kind rejection(ProofContext context, HandshakeProof proof) {
        return assertThrows(ProofException.class, () -> HandshakeVerifier.verify(context, proof)).kind();
    }

    private static ProofContext contextFor(byte[] devicePublic) {
        return new ProofContext("example.org", "device-1", devicePublic, CLIENT_STATIC);
    }

    /** 32-byte little-endian encoding of {@code value} (below 2^256). */
    private static byte[] littleEndian(BigInteger value) {
        byte[] bigEndian = value.toByteArray();
        byte[] out = new byte[32];
        for (int i = 0; i < out.length && i < bigEndian.length; i++) {
            out[i] = bigEndian[bigEndian.length - 1 - i];
        }
        return out;
    }

    static Stream<byte[]> smallOrderEncodings() {
        return PointEncoding.SMALL_ORDER.stream().map(byte[]::clone);
    }

    /** Every y in [p, 2^255) with both sign bits: 19 × 2 encodings that are never canonical. */
    static Stream<byte[]> yAtLeastPEncodings() {
        return IntStream.range(0, 19).boxed().flatMap(k -> {
            byte[] plain = littleEndian(P.add(BigInteger.valueOf(k)));
            byte[] signed = plain.clone();
            signed[31] |= (byte) 0x80;
            return Stream.of(plain, signed);
        });
    }

    /** x = 0 (y = 1 or y = p − 1) with the sign bit set. */
    static Stream<byte[]> zeroXWithSignBitEncodings() {
        byte[] one = IDENTITY.clone();
        one[31] |= (byte) 0x80;
        byte[] minusOne = Hex.decode("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
        return Stream.of(one, minusOne);
    }

    static Stream<byte[]> nonCanonicalEncodings() {
        return Stream.concat(yAtLeastPEncodings(), zeroXWithSignBitEncodings());
    }

    @Test
    void ownProofVerifies() {
        assertDoesNotThrow(() -> HandshakeVerifier.verify(CONTEXT, PROVER.prove(KEYS, CONTEXT)));
    }

    @Test
    void proofsUseFreshNonces() {
        HandshakeProof first = PROVER.prove(KEYS, CONTEXT);
        HandshakeProof second = PROVER.prove(KEYS, CONTEXT);
        assertFalse(first.equals(second));
    }

    @Test
    void proverRefusesAContextForAnotherDeviceKey() {
        ProofContext other = contextFor(DeviceKeyPair.generate(new SecureRandom()).publicKey());
        assertThrows(IllegalArgumentException.class, () -> PROVER.prove(KEYS, other));
    }

    @Test
    void proofForAnotherContextFailsTheEquation() {
        HandshakeProof proof = PROVER.prove(KEYS, CONTEXT);
        ProofContext otherDomain = new ProofContext("example.net", "device-1", KEYS.publicKey(), CLIENT_STATIC);
        assertEquals(Kind.EQUATION, rejection(otherDomain, proof));
    }

    @Test
    void tamperedResponseFailsTheEquation() {
        HandshakeProof proof = PROVER.prove(KEYS, CONTEXT);
        byte[] response = proof.response();
        response[0] ^= 1;
        assertEquals(Kind.EQUATION, rejection(CONTEXT, new HandshakeProof(proof.commitment(), response)));
    }

    @Test
    void responsePlusGroupOrderIsANonCanonicalScalar() {
        HandshakeProof proof = PROVER.prove(KEYS, CONTEXT);
        BigInteger s = new BigInteger(1, reverse(proof.response()));
        byte[] sPlusL = littleEndian(s.add(ORDER));
        assertEquals(Kind.NON_CANONICAL_SCALAR, rejection(CONTEXT, new HandshakeProof(proof.commitment(), sPlusL)));
    }

    @Test
    void responseWithTheTopBitSetIsANonCanonicalScalar() {
        HandshakeProof proof = PROVER.prove(KEYS, CONTEXT);
        byte[] response = proof.response();
        response[31] |= (byte) 0x80;
        assertEquals(Kind.NON_CANONICAL_SCALAR, rejection(CONTEXT, new HandshakeProof(proof.commitment(), response)));
    }

    @Test
    void commitmentThatIsNoCurvePointIsMalformed() {
        HandshakeProof proof = PROVER.prove(KEYS, CONTEXT);
        assertEquals(Kind.MALFORMED, rejection(CONTEXT, new HandshakeProof(notAPoint(), proof.response())));
    }

    @Test
    void deviceKeyThatIsNoCurvePointIsMalformed() {
        HandshakeProof proof = PROVER.prove(KEYS, CONTEXT);
        assertEquals(Kind.MALFORMED, rejection(contextFor(notAPoint()), proof));
    }

    @ParameterizedTest
    @MethodSource("smallOrderEncodings")
    void deviceKeyOfSmallOrderIsRejectedAsSmallOrder(byte[] encoding) {
        assertEquals(Kind.SMALL_ORDER_POINT, rejection(contextFor(encoding), PROVER.prove(KEYS, CONTEXT)));
    }

    @ParameterizedTest
    @MethodSource("smallOrderEncodings")
    void commitmentOfSmallOrderIsRejectedAsSmallOrder(byte[] encoding) {
        HandshakeProof proof = new HandshakeProof(encoding, PROVER.prove(KEYS, CONTEXT).response());
        assertEquals(Kind.SMALL_ORDER_POINT, rejection(CONTEXT, proof));
    }

    @ParameterizedTest
    @MethodSource("nonCanonicalEncodings")
    void nonCanonicalDeviceKeyIsRejectedAsNonCanonical(byte[] encoding) {
        assertEquals(Kind.NON_CANONICAL_POINT, rejection(contextFor(encoding), PROVER.prove(KEYS, CONTEXT)));
    }

    @ParameterizedTest
    @MethodSource("nonCanonicalEncodings")
    void nonCanonicalCommitmentIsRejectedAsNonCanonical(byte[] encoding) {
        HandshakeProof proof = new HandshakeProof(encoding, PROVER.prove(KEYS, CONTEXT).response());
        assertEquals(Kind.NON_CANONICAL_POINT, rejection(CONTEXT, proof));
    }

    @Test
    void identityDeviceKeyProofThatPassesTheBareEquationIsRejectedAsSmallOrder() {
        // With A = identity, R = s·B satisfies s·B == R + c·A for every c: no key needed.
        HandshakeProof forged = forgeryForIdentityKey();
        ProofContext context = contextFor(IDENTITY);
        assertTrue(PlainEquation.holds(context, forged));
        assertEquals(Kind.SMALL_ORDER_POINT, rejection(context, forged));
    }

    @Test
    void nonCanonicalIdentityDeviceKeyProofThatPassesTheBareEquationIsRejectedAsNonCanonical() {
        for (byte[] encoding : List.of(littleEndian(P.add(BigInteger.ONE)), zeroXWithSignBitEncodings().findFirst().get())) {
            HandshakeProof forged = forgeryForIdentityKey();
            ProofContext context = contextFor(encoding);
            assertTrue(PlainEquation.holds(context, forged));
            assertEquals(Kind.NON_CANONICAL_POINT, rejection(context, forged));
        }
    }

    @Test
    void identityCommitmentThatPassesTheBareEquationIsRejectedAsSmallOrder() {
        HandshakeProof forged = proofWithIdentityCommitment(IDENTITY);
        assertTrue(PlainEquation.holds(CONTEXT, forged));
        assertEquals(Kind.SMALL_ORDER_POINT, rejection(CONTEXT, forged));
    }

    @Test
    void nonCanonicalIdentityCommitmentsThatPassTheBareEquationAreRejectedAsNonCanonical() {
        List<byte[]> encodings = new ArrayList<>();
        encodings.add(littleEndian(P.add(BigInteger.ONE)));
        zeroXWithSignBitEncodings().limit(1).forEach(encodings::add);
        for (byte[] encoding : encodings) {
            HandshakeProof forged = proofWithIdentityCommitment(encoding);
            assertTrue(PlainEquation.holds(CONTEXT, forged));
            assertEquals(Kind.NON_CANONICAL_POINT, rejection(CONTEXT, forged));
        }
    }

    private static HandshakeProof forgeryForIdentityKey() {
        byte[] wide = new byte[64];
        new SecureRandom().nextBytes(wide);
        Scalar s = Scalar.fromBytesModOrderWide(wide);
        byte[] r = Constants.ED25519_BASEPOINT_TABLE.multiply(s).compress().toByteArray();
        return new HandshakeProof(r, s.toByteArray());
    }

    /** R = identity (in the given encoding) and s = c·a: the bare equation holds, R hides nothing. */
    private static HandshakeProof proofWithIdentityCommitment(byte[] identityEncoding) {
        Scalar c = ProofChallenge.derive(CONTEXT.encode(), KEYS.publicKey(), identityEncoding);
        return new HandshakeProof(identityEncoding, c.multiply(KEYS.secretScalar()).toByteArray());
    }

    /** The smallest y whose encoding elisabeth refuses to decompress. */
    private static byte[] notAPoint() {
        for (int y = 2; y < 1000; y++) {
            byte[] encoding = littleEndian(BigInteger.valueOf(y));
            if (PointEncoding.decompressOrNull(encoding) == null) {
                return encoding;
            }
        }
        throw new AssertionError("no invalid encoding found");
    }

    private static byte[] reverse(byte[] bytes) {
        byte[] out = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[bytes.length - 1 - i];
        }
        return out;
    }
}
