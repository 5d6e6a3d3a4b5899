package io.commucat.ccp.server.storage;

import java.time.Instant;
import java.util.Objects;

/**
 * A device of a user.
 *
 * @param publicKey the device's Ed25519 key, lower-case hex (64 characters)
 * @param name may be null
 * @param lastSeen may be null
 */
public record Device(String id, String userId, String publicKey, DeviceStatus status, Instant createdAt,
        String name, Instant lastSeen) {
    public Device {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    public boolean active() {
        return status == DeviceStatus.ACTIVE;
    }
}
