package io.commucat.ccp.server.pairing;

import io.commucat.ccp.crypto.Hex;
import java.security.SecureRandom;

/** Ids the pairing endpoints make: random, so nobody can guess the next one. */
final class RandomIds {

    private RandomIds() {
    }

    /**
     * A paired device's id: 64 lower-case hex digits, the shape of the original's (a BLAKE3 of
     * the code and the clock there, which can be guessed; 32 random bytes here).
     */
    static String deviceId(SecureRandom random) {
        return Hex.encode(bytes(random, 32));
    }

    /** {@code prefix} and 24 hex digits, as the handshake makes user and key event ids ({@code u-}, {@code dke-}). */
    static String prefixed(String prefix, SecureRandom random) {
        return prefix + Hex.encode(bytes(random, 12));
    }

    private static byte[] bytes(SecureRandom random, int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }
}
