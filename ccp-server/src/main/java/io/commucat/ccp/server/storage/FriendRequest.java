package io.commucat.ccp.server.storage;

import java.time.Instant;
import java.util.Objects;

/**
 * A request from one user to another to become friends.
 *
 * @param message the requester's note, or null
 * @param updatedAt when the status last changed (the creation time while pending)
 */
public record FriendRequest(String id, String fromUserId, String toUserId, FriendRequestStatus status, String message,
        Instant createdAt, Instant updatedAt) {
    public FriendRequest {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(fromUserId, "fromUserId");
        Objects.requireNonNull(toUserId, "toUserId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }
}
