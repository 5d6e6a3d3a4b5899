package io.commucat.ccp.crypto.keys;

import cafe.cryptography.curve25519.Scalar;
import java.util.Arrays;
import org.bouncycastle.crypto.digests.Blake3Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/** Ed25519 key material as CCP-1 derives it (spec §3.5); shared by device and CA keys. */
final class Ed25519Keys {

    static final int SECRET_KEY_LENGTH = Ed25519.SECRET_KEY_SIZE;
    static final int PUBLIC_KEY_LENGTH = Ed25519.PUBLIC_KEY_SIZE;
    static final int SIGNATURE_LENGTH = Ed25519.SIGNATURE_SIZE;
    static final int MIN_SEED_LENGTH = 32;

    private Ed25519Keys() {
    }

    /** {@code sk = BLAKE3(seed)}, 32 bytes; short seeds are refused because they cap the key's entropy. */
    static byte[] secretKeyFromSeed(byte[] seed) {
        if (seed == null || seed.length < MIN_SEED_LENGTH) {
            throw new IllegalArgumentException("seed must be at least " + MIN_SEED_LENGTH + " bytes");
        }
        Blake3Digest blake3 = new Blake3Digest(SECRET_KEY_LENGTH * 8);
        blake3.update(seed, 0, seed.length);
        byte[] secretKey = new byte[SECRET_KEY_LENGTH];
        blake3.doFinal(secretKey, 0);
        return secretKey;
    }

    static byte[] requireSecretKey(byte[] secretKey) {
        if (secretKey == null || secretKey.length != SECRET_KEY_LENGTH) {
            throw new IllegalArgumentException("Ed25519 secret key must be " + SECRET_KEY_LENGTH + " bytes");
        }
        return secretKey.clone();
    }

    static byte[] publicKeyOf(byte[] secretKey) {
        byte[] publicKey = new byte[PUBLIC_KEY_LENGTH];
        Ed25519.generatePublicKey(secretKey, 0, publicKey, 0);
        return publicKey;
    }

    /** RFC 8032 §5.1.5: the clamped lower half of SHA-512(sk), here reduced mod ℓ for scalar arithmetic. */
    static Scalar secretScalarOf(byte[] secretKey) {
        SHA512Digest sha512 = new SHA512Digest();
        sha512.update(secretKey, 0, secretKey.length);
        byte[] hash = new byte[64];
        sha512.doFinal(hash, 0);
        byte[] lowerHalf = Arrays.copyOf(hash, 32);
        lowerHalf[0] &= (byte) 0xf8;
        lowerHalf[31] &= (byte) 0x7f;
        lowerHalf[31] |= (byte) 0x40;
        try {
            return Scalar.fromBytesModOrder(lowerHalf);
        } finally {
            Arrays.fill(hash, (byte) 0);
            Arrays.fill(lowerHalf, (byte) 0);
        }
    }

    /** Plain deterministic Ed25519 (RFC 8032), no context, no prehash. */
    static byte[] sign(byte[] secretKey, byte[] publicKey, byte[] message) {
        if (message == null) {
            throw new IllegalArgumentException("message must not be null");
        }
        byte[] signature = new byte[SIGNATURE_LENGTH];
        Ed25519.sign(secretKey, 0, publicKey, 0, message, 0, message.length, signature, 0);
        return signature;
    }
}
