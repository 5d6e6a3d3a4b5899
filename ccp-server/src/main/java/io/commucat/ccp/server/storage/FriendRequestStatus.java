package io.commucat.ccp.server.storage;

import java.util.Locale;
import java.util.Optional;

/** Where a friend request stands; a pending one may become accepted or rejected, nothing else. */
public enum FriendRequestStatus {
    PENDING,
    ACCEPTED,
    REJECTED;

    /** The stored and wire name ({@code pending}, {@code accepted}, {@code rejected}). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<FriendRequestStatus> fromLabel(String label) {
        for (FriendRequestStatus status : values()) {
            if (status.label().equals(label)) {
                return Optional.of(status);
            }
        }
        return Optional.empty();
    }
}
