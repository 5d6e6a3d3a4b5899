package io.commucat.ccp.crypto.proof;

import cafe.cryptography.curve25519.EdwardsPoint;
import cafe.cryptography.curve25519.Scalar;
import io.commucat.ccp.crypto.proof.ProofException.Kind;
import java.security.MessageDigest;

/**
 * The server side of the handshake proof (spec §3.5): accepts iff {@code s·B == R + c·A}, with the
 * hardening that {@code A} and {@code R} must be canonically encoded and not of small order.
 * Stateless and thread-safe.
 */
public final class HandshakeVerifier {

    private HandshakeVerifier() {
    }

    /**
     * Verifies {@code proof} for {@code context} (whose {@code devicePublic} is {@code A}).
     * Checks in order: encodings of A then R (canonical, not small order), A decodes, {@code s < ℓ},
     * then the equation; an R that is not a curve point is reported as {@link Kind#MALFORMED}.
     *
     * @throws ProofException when the proof is rejected; {@link ProofException#kind()} says why
     */
    public static void verify(ProofContext context, HandshakeProof proof) throws ProofException {
        byte[] devicePublic = context.devicePublic();
        byte[] commitment = proof.commitment();
        requireAcceptableEncoding(devicePublic, "device key");
        requireAcceptableEncoding(commitment, "commitment");
        EdwardsPoint a = PointEncoding.decompressOrNull(devicePublic);
        if (a == null) {
            throw new ProofException(Kind.MALFORMED, "device key is not a curve point");
        }
        Scalar s = canonicalScalar(proof.response());
        Scalar c = ProofChallenge.derive(context.encode(), devicePublic, commitment);
        // Compare encodings of R' = s·B − c·A and R instead of decompressing R: one compression
        // replaces a decompression plus a point comparison. Both encodings are canonical here, so
        // equal bytes iff equal points. Variable time is fine: nothing here is secret.
        EdwardsPoint expected = EdwardsPoint.vartimeDoubleScalarMultiplyBasepoint(c, a.negate(), s);
        if (!MessageDigest.isEqual(expected.compress().toByteArray(), commitment)) {
            if (PointEncoding.decompressOrNull(commitment) == null) {
                throw new ProofException(Kind.MALFORMED, "commitment is not a curve point");
            }
            throw new ProofException(Kind.EQUATION, "proof equation does not hold");
        }
    }

    private static void requireAcceptableEncoding(byte[] encoding, String what) throws ProofException {
        if (!PointEncoding.isCanonical(encoding)) {
            throw new ProofException(Kind.NON_CANONICAL_POINT, what + " is not canonically encoded");
        }
        if (PointEncoding.isSmallOrder(encoding)) {
            throw new ProofException(Kind.SMALL_ORDER_POINT, what + " is a point of small order");
        }
    }

    private static Scalar canonicalScalar(byte[] response) throws ProofException {
        try {
            return Scalar.fromCanonicalBytes(response);
        } catch (IllegalArgumentException e) {
            throw new ProofException(Kind.NON_CANONICAL_SCALAR, "response is not below the group order");
        }
    }
}
