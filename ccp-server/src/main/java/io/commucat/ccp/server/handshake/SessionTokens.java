package io.commucat.ccp.server.handshake;

import io.commucat.ccp.crypto.Hex;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * Session tokens (rest.md, "Authentication"; Deviation: the original derives them from BLAKE3 of
 * the device id and the clock). A token is 32 CSPRNG bytes in lower-case hex; only its SHA-256
 * is stored, so a database dump yields no usable token.
 */
public final class SessionTokens {

    private static final int TOKEN_BYTES = 32;

    private final SecureRandom random;

    public SessionTokens(SecureRandom random) {
        this.random = random;
    }

    public String newToken() {
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        return Hex.encode(bytes);
    }

    /** The form the Sessions port keys on. */
    public static String hash(String token) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return Hex.encode(sha.digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /**
     * A name for the session that logs and the audit ledger may show: the first 16 hex digits
     * of {@link #hash}. It identifies the stored session without being usable as a token.
     */
    public static String sessionId(String token) {
        return hash(token).substring(0, 16);
    }
}
