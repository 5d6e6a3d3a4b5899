package io.commucat.ccp.server.storage;

import java.time.Instant;
import java.util.Objects;

/**
 * A user account.
 *
 * @param displayName may be null
 * @param avatarUrl may be null
 */
public record User(String id, String handle, String displayName, String avatarUrl, Instant createdAt) {
    public User {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(handle, "handle");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
