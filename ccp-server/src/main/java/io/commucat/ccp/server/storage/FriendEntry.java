package io.commucat.ccp.server.storage;

import java.util.Objects;

/**
 * One entry of a user's friends list.
 *
 * @param userId the friend's user id (not checked against the users: the list is the owner's own
 *     address book, as in the original)
 * @param alias the owner's name for the friend, or null
 */
public record FriendEntry(String userId, String alias) {
    public FriendEntry {
        Objects.requireNonNull(userId, "userId");
    }
}
