package io.commucat.ccp.server.storage;

import java.time.Instant;

/** A device in a group. */
public record GroupMember(String groupId, String deviceId, GroupRole role, Instant joinedAt) {
}
