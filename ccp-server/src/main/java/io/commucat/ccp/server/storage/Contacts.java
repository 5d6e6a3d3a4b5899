package io.commucat.ccp.server.storage;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Users' friends lists and the friend requests between users (rest.md "Contacts"), and the rule
 * of whose devices a user may see. Blocking: callers run it off the event loops. Thread-safe.
 *
 * <p>Consent (rest.md, Deviation (privacy)): a user's devices are shown to a viewer only when a
 * request between the two was accepted, or each lists the other. Dropping someone from one's
 * list ({@link #removeFriend}, or {@link #replaceFriends} without them) withdraws an accepted
 * request between the two, so consent given by accepting can be taken back.
 */
public interface Contacts {

    /** The most entries a friends list holds. */
    int MAX_FRIENDS = 512;

    /** The user's friends list in its stored order; empty when the user has none. */
    List<FriendEntry> friends(String userId) throws StorageException;

    /**
     * Replaces the user's whole list, keeping the given order, and withdraws accepted requests
     * between the user and anyone no longer listed; one transaction.
     *
     * @throws IllegalArgumentException for more than {@link #MAX_FRIENDS} entries or a user id
     *     listed twice (callers validate first)
     * @throws StorageException {@link StorageException.Kind#CONFLICT} when the user does not exist
     */
    void replaceFriends(String userId, List<FriendEntry> friends) throws StorageException;

    /**
     * Drops {@code friendId} from the user's list and withdraws accepted requests between the two.
     *
     * @return false when {@code friendId} was not listed (nothing changed)
     */
    boolean removeFriend(String userId, String friendId) throws StorageException;

    /**
     * Creates a pending request from {@code fromUserId} to {@code toUserId}. An accepted or
     * rejected earlier request of the same pair is replaced by the new one. Atomic: of racing
     * creations for one pair exactly one succeeds. The users are not checked here (callers
     * resolve them first; users are never deleted).
     *
     * @throws StorageException {@link StorageException.Kind#CONFLICT} when a pending request from
     *     {@code fromUserId} to {@code toUserId} exists, or {@code id} is taken
     */
    FriendRequest createRequest(String id, String fromUserId, String toUserId, String message, Instant at)
            throws StorageException;

    /** The request from {@code fromUserId} to {@code toUserId}, whatever its status. */
    Optional<FriendRequest> findRequest(String fromUserId, String toUserId) throws StorageException;

    /** Pending requests to the user, newest first, at most {@code limit}. */
    List<FriendRequest> incomingRequests(String userId, int limit) throws StorageException;

    /** Requests from the user in any status, newest first, at most {@code limit}. */
    List<FriendRequest> outgoingRequests(String userId, int limit) throws StorageException;

    /**
     * Accepts the pending request from {@code fromUserId} to {@code toUserId} and appends each
     * user to the other's list (no alias) where not yet listed, in one transaction.
     *
     * @return the accepted request; empty when there is no pending request of that pair
     * @throws StorageException {@link StorageException.Kind#LIMIT_REACHED} when a list that needs
     *     the entry already has {@link #MAX_FRIENDS} (nothing changes)
     */
    Optional<FriendRequest> acceptRequest(String fromUserId, String toUserId, Instant at) throws StorageException;

    /**
     * Rejects the pending request from {@code fromUserId} to {@code toUserId}; lists do not change.
     *
     * @return the rejected request; empty when there is no pending request of that pair
     */
    Optional<FriendRequest> rejectRequest(String fromUserId, String toUserId, Instant at) throws StorageException;

    /**
     * The users among {@code userIds} whose devices {@code viewerId} may see: a request between
     * the two was accepted, or each lists the other.
     */
    Set<String> sharingDevicesWith(String viewerId, Collection<String> userIds) throws StorageException;
}
