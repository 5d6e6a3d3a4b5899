package io.commucat.ccp.server.storage;

import java.time.Instant;

/**
 * A device certificate the server issued, kept for audit and revocation.
 *
 * @param serial unsigned 64-bit serial (compare with {@link Long#compareUnsigned})
 * @param publicKey lower-case hex of the certified key
 */
public record IssuedCertificate(long serial, String deviceId, String userId, String publicKey,
        Instant issuedAt, Instant expiresAt) {
}
