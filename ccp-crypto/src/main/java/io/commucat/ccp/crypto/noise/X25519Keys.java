package io.commucat.ccp.crypto.noise;

import org.bouncycastle.math.ec.rfc7748.X25519;

/** X25519 through Bouncy Castle, the fastest implementation available to us. */
final class X25519Keys {

    static final int KEY_LENGTH = 32;

    /** Any clamped scalar works: its product with a small-order point is the identity. */
    private static final byte[] PROBE_SCALAR = new byte[KEY_LENGTH];

    static {
        PROBE_SCALAR[0] = 8;
        PROBE_SCALAR[31] = 0x40;
        // Builds the fixed-base tables now instead of on the first handshake.
        X25519.precompute();
    }

    private X25519Keys() {
    }

    /** Writes the public key of {@code privateKey} (clamped as RFC 7748 says) into {@code out}. */
    static void publicKey(byte[] privateKey, byte[] out) {
        X25519.generatePublicKey(privateKey, 0, out, 0);
    }

    /**
     * Writes {@code X25519(privateKey, publicKey)} into {@code out}.
     *
     * @return false when the result is all zero (a small-order public key): the caller must fail
     */
    static boolean agree(byte[] privateKey, byte[] publicKey, int publicOffset, byte[] out) {
        return X25519.calculateAgreement(privateKey, 0, publicKey, publicOffset, out, 0);
    }

    /**
     * Whether every DH with this public key would be all zero. Used by the noise-java engine,
     * which does not check DH results itself.
     */
    static boolean isSmallOrder(byte[] publicKey, int offset) {
        byte[] out = new byte[KEY_LENGTH];
        return !X25519.calculateAgreement(PROBE_SCALAR, 0, publicKey, offset, out, 0);
    }
}
