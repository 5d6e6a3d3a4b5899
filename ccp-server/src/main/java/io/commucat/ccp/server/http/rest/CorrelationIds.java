package io.commucat.ccp.server.http.rest;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Ids that tie a 500 answer to its log line: 16 random hex digits, unguessable and short enough to read out. */
final class CorrelationIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    private CorrelationIds() {
    }

    static String next() {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
