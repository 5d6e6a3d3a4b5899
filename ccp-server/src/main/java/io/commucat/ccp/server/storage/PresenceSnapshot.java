package io.commucat.ccp.server.storage;

import java.time.Instant;

/**
 * What other devices may learn of a connected device (ccp-1.md §4.3).
 *
 * @param state {@code online}, {@code away}, {@code busy}, ...
 * @param nodeId the node holding its connection
 */
public record PresenceSnapshot(String deviceId, String userId, String state, String nodeId, Instant updatedAt) {
}
