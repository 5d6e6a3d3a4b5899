package io.commucat.ccp.client.handshake;

/**
 * The optional {@code user} object of a Hello (ccp-1.md §3.1): how an unknown device names the
 * user it belongs to, and profile updates. Any field may be null.
 */
public record UserHints(String userId, String handle, String displayName, String avatarUrl) {

    public static final UserHints NONE = new UserHints(null, null, null, null);

    public static UserHints handle(String handle) {
        return new UserHints(null, handle, null, null);
    }

    boolean isEmpty() {
        return userId == null && handle == null && displayName == null && avatarUrl == null;
    }
}
