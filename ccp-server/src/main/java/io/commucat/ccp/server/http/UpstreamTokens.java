package io.commucat.ccp.server.http;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live upstream-companion tokens of one server (rest.md "Connect upstream companion"): 128
 * random bits, base64url, each bound to the one session that asked for it and removed when that
 * session ends. Thread-safe: a POST or a long-poll resume looks a token up on its own loop.
 */
final class UpstreamTokens {

    private static final int TOKEN_BYTES = 16;

    private final SecureRandom random = new SecureRandom();
    private final Map<String, UpstreamTarget> live = new ConcurrentHashMap<>();

    /** A fresh token bound to {@code target}. */
    String register(UpstreamTarget target) {
        while (true) {
            byte[] bytes = new byte[TOKEN_BYTES];
            random.nextBytes(bytes);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            if (live.putIfAbsent(token, target) == null) {
                return token;
            }
        }
    }

    /** The session behind {@code token}, or {@code null} when there is none (never was, or ended). */
    UpstreamTarget find(String token) {
        return token == null ? null : live.get(token);
    }

    void remove(String token, UpstreamTarget target) {
        live.remove(token, target);
    }

    int size() {
        return live.size();
    }
}
