package io.commucat.ccp.crypto.proof;

import cafe.cryptography.curve25519.CompressedEdwardsY;
import cafe.cryptography.curve25519.Constants;
import cafe.cryptography.curve25519.EdwardsPoint;
import cafe.cryptography.curve25519.InvalidEncodingException;
import cafe.cryptography.curve25519.Scalar;

/**
 * The unhardened check of the original implementation: decode A and R as elisabeth does, and
 * test {@code s·B == R + c·A}. Tests use it to show that a forgery passes the bare equation and
 * is stopped only by the hardening.
 */
final class PlainEquation {

    private PlainEquation() {
    }

    static boolean holds(ProofContext context, HandshakeProof proof) {
        try {
            EdwardsPoint a = new CompressedEdwardsY(context.devicePublic()).decompress();
            EdwardsPoint r = new CompressedEdwardsY(proof.commitment()).decompress();
            Scalar s = Scalar.fromCanonicalBytes(proof.response());
            Scalar c = ProofChallenge.derive(context.encode(), context.devicePublic(), proof.commitment());
            EdwardsPoint left = Constants.ED25519_BASEPOINT_TABLE.multiply(s);
            EdwardsPoint right = r.add(a.multiply(c));
            return left.subtract(right).isIdentity();
        } catch (InvalidEncodingException | IllegalArgumentException e) {
            return false;
        }
    }
}
