package io.commucat.ccp.server.storage;

import java.util.Locale;
import java.util.Optional;

/** A device's role in a group: the owner created it; owners and admins may invite. */
public enum GroupRole {
    OWNER,
    ADMIN,
    MEMBER;

    /** The stored and wire name ({@code owner}, {@code admin}, {@code member}). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean mayInvite() {
        return this != MEMBER;
    }

    public static Optional<GroupRole> fromLabel(String label) {
        for (GroupRole role : values()) {
            if (role.label().equals(label)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
