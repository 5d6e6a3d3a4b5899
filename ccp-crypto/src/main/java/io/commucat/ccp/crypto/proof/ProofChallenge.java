package io.commucat.ccp.crypto.proof;

import cafe.cryptography.curve25519.Scalar;
import org.bouncycastle.crypto.digests.Blake3Digest;

/** The Fiat–Shamir challenge {@code c = BLAKE3-XOF(D || u64le(len(ctx)) || ctx || A || R)[0..64] mod ℓ}. */
final class ProofChallenge {

    private static final int WIDE_LENGTH = 64;

    private ProofChallenge() {
    }

    static Scalar derive(byte[] context, byte[] devicePublic, byte[] commitment) {
        Blake3Digest blake3 = new Blake3Digest();
        byte[] d = ProofContext.DOMAIN_SEPARATOR_BYTES;
        blake3.update(d, 0, d.length);
        byte[] length = new byte[8];
        long contextLength = context.length;
        for (int i = 0; i < length.length; i++) {
            length[i] = (byte) (contextLength >>> (8 * i));
        }
        blake3.update(length, 0, length.length);
        blake3.update(context, 0, context.length);
        blake3.update(devicePublic, 0, devicePublic.length);
        blake3.update(commitment, 0, commitment.length);
        byte[] wide = new byte[WIDE_LENGTH];
        // doFinal with an explicit length reads the extendable output, not the 32-byte digest.
        blake3.doFinal(wide, 0, WIDE_LENGTH);
        return Scalar.fromBytesModOrderWide(wide);
    }
}
