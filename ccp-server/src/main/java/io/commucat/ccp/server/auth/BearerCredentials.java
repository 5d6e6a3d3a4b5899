package io.commucat.ccp.server.auth;

import java.util.List;
import java.util.Optional;

/** The credential in {@code Authorization}: {@code Bearer <token>}, or the bare token as the original accepts. */
final class BearerCredentials {

    /** Longer presented tokens are refused before hashing: ours are 64 hex digits. */
    static final int MAX_TOKEN_LENGTH = 512;

    private BearerCredentials() {
    }

    /** The token of the first {@code Authorization} value; empty when there is none or it is blank. */
    static Optional<String> token(List<String> authorization) {
        if (authorization.isEmpty()) {
            return Optional.empty();
        }
        String presented = authorization.get(0).trim();
        if (presented.regionMatches(true, 0, "Bearer ", 0, 7)) {
            presented = presented.substring(7).trim();
        }
        return presented.isEmpty() ? Optional.empty() : Optional.of(presented);
    }
}
