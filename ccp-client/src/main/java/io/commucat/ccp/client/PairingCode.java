package io.commucat.ccp.client;

import java.time.Instant;

/**
 * A pairing code for another device of the same user ({@link CcpClient#issuePairingCode}).
 *
 * @param code      as the server shows it, {@code KQ7M-3XTD}; a secret until used
 * @param expiresAt after this it is refused
 */
public record PairingCode(String code, Instant expiresAt) {

    /** Never shows the code (it could reach a log). */
    @Override
    public String toString() {
        return "PairingCode[expires " + expiresAt + "]";
    }
}
