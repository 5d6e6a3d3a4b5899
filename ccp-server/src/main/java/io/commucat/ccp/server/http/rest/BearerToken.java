package io.commucat.ccp.server.http.rest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * A configured secret checked against {@code Authorization: Bearer <token>} (a bare token is
 * accepted too, as rest.md allows). Both sides are hashed first so the comparison takes the
 * same time whatever the presented length or content. Immutable, thread-safe.
 */
public final class BearerToken {

    private final byte[] expectedHash;

    public BearerToken(String token) {
        if (token.isEmpty()) {
            throw new IllegalArgumentException("empty token");
        }
        this.expectedHash = sha256(token);
    }

    /** {@code true} when one {@code Authorization} value carries the token. */
    public boolean matches(List<String> authorizationValues) {
        boolean match = false;
        for (String value : authorizationValues) {
            String presented = value.trim();
            if (presented.regionMatches(true, 0, "Bearer ", 0, 7)) {
                presented = presented.substring(7).trim();
            }
            match |= MessageDigest.isEqual(expectedHash, sha256(presented));
        }
        return match;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present", e);
        }
    }
}
