package io.commucat.ccp.server.storage;

import java.time.Instant;

/**
 * A device session. Only a hash of the session token is stored (rest.md, "Authentication"), so
 * a database dump yields no usable token.
 *
 * @param tokenHash lower-case hex of the token's hash; the key
 * @param nodeId the node the device is connected to
 */
public record SessionRecord(String tokenHash, String deviceId, String userId, Instant createdAt,
        Instant expiresAt, String nodeId) {
}
