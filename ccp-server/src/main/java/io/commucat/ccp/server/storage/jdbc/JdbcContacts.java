package io.commucat.ccp.server.storage.jdbc;

import io.commucat.ccp.server.storage.Contacts;
import io.commucat.ccp.server.storage.FriendEntry;
import io.commucat.ccp.server.storage.FriendRequest;
import io.commucat.ccp.server.storage.FriendRequestStatus;
import io.commucat.ccp.server.storage.StorageException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * {@link Contacts} on PostgreSQL or H2. Thread-safe; every method blocks for its round trips to
 * the database.
 *
 * <p>Every change to a friends list locks the owner's {@code users} row first ({@code SELECT ...
 * FOR UPDATE}), so a replacement, a removal and an acceptance for one owner run one after the
 * other; an acceptance locks both users in id order, so two acceptances never wait on each other
 * in a cycle.
 */
public final class JdbcContacts implements Contacts {

    private static final String REQUEST_COLUMNS = "id, from_user_id, to_user_id, status, message, created_at, updated_at";
    private static final String PENDING = FriendRequestStatus.PENDING.label();
    private static final String ACCEPTED = FriendRequestStatus.ACCEPTED.label();
    /** Candidates per sharing query: three IN lists of this many parameters stay well within driver limits. */
    private static final int SHARING_CHUNK = 500;

    private final Jdbc jdbc;

    JdbcContacts(Jdbc jdbc) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
    }

    @Override
    public List<FriendEntry> friends(String userId) throws StorageException {
        return jdbc.call("list friends", c -> list(c, userId));
    }

    @Override
    public void replaceFriends(String userId, List<FriendEntry> friends) throws StorageException {
        if (friends.size() > MAX_FRIENDS) {
            throw new IllegalArgumentException("more than " + MAX_FRIENDS + " friends");
        }
        Set<String> listed = new HashSet<>();
        for (FriendEntry entry : friends) {
            if (!listed.add(entry.userId())) {
                throw new IllegalArgumentException("a friend is listed twice");
            }
        }
        jdbc.inTransaction("replace friends", c -> {
            lockUser(c, userId, "replace friends");
            List<String> dropped = new ArrayList<>();
            for (FriendEntry old : list(c, userId)) {
                if (!listed.contains(old.userId())) {
                    dropped.add(old.userId());
                }
            }
            Jdbc.update(c, "DELETE FROM friends WHERE owner_id = ?", userId);
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO friends (owner_id, friend_id, list_index, alias) VALUES (?, ?, ?, ?)")) {
                int index = 0;
                for (FriendEntry entry : friends) {
                    insert.setString(1, userId);
                    insert.setString(2, entry.userId());
                    insert.setInt(3, index++);
                    insert.setString(4, entry.alias());
                    insert.addBatch();
                }
                if (index > 0) {
                    insert.executeBatch();
                }
            }
            for (String friendId : dropped) {
                withdrawAccepted(c, userId, friendId);
            }
            return null;
        });
    }

    @Override
    public boolean removeFriend(String userId, String friendId) throws StorageException {
        return jdbc.inTransaction("remove friend", c -> {
            lockUser(c, userId, "remove friend");
            if (Jdbc.update(c, "DELETE FROM friends WHERE owner_id = ? AND friend_id = ?", userId, friendId) == 0) {
                return false;
            }
            withdrawAccepted(c, userId, friendId);
            return true;
        });
    }

    /**
     * An insert, and on a taken pair an update that only turns a settled request into the new
     * pending one: the pair's unique constraint makes racing creations meet at one row, and the
     * update's status condition lets only one of them through. Two auto-commit statements, since
     * on PostgreSQL a failed insert would abort an enclosing transaction.
     */
    @Override
    public FriendRequest createRequest(String id, String fromUserId, String toUserId, String message, Instant at)
            throws StorageException {
        FriendRequest request = new FriendRequest(id, fromUserId, toUserId, FriendRequestStatus.PENDING, message,
                Jdbc.stored(at), Jdbc.stored(at));
        boolean inserted = jdbc.call("create friend request", c -> {
            try {
                Jdbc.update(c, "INSERT INTO friend_requests (" + REQUEST_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)",
                        id, fromUserId, toUserId, PENDING, message, at, at);
                return true;
            } catch (SQLException e) {
                if (!SqlErrors.isUniqueViolation(e) || requestIdTaken(c, id)) {
                    throw e;
                }
                return false;
            }
        });
        if (inserted) {
            return request;
        }
        int renewed = jdbc.call("renew friend request", c -> Jdbc.update(c,
                "UPDATE friend_requests SET id = ?, status = ?, message = ?, created_at = ?, updated_at = ?"
                        + " WHERE from_user_id = ? AND to_user_id = ? AND status <> ?",
                id, PENDING, message, at, at, fromUserId, toUserId, PENDING));
        if (renewed == 0) {
            throw new StorageException(StorageException.Kind.CONFLICT, "create friend request: one is pending");
        }
        return request;
    }

    @Override
    public Optional<FriendRequest> findRequest(String fromUserId, String toUserId) throws StorageException {
        return jdbc.call("find friend request", c -> find(c, fromUserId, toUserId));
    }

    @Override
    public List<FriendRequest> incomingRequests(String userId, int limit) throws StorageException {
        return jdbc.call("incoming friend requests", c -> Jdbc.queryList(c,
                "SELECT " + REQUEST_COLUMNS + " FROM friend_requests WHERE to_user_id = ? AND status = ?"
                        + " ORDER BY created_at DESC, id LIMIT ?",
                JdbcContacts::request, userId, PENDING, limit));
    }

    @Override
    public List<FriendRequest> outgoingRequests(String userId, int limit) throws StorageException {
        return jdbc.call("outgoing friend requests", c -> Jdbc.queryList(c,
                "SELECT " + REQUEST_COLUMNS + " FROM friend_requests WHERE from_user_id = ?"
                        + " ORDER BY created_at DESC, id LIMIT ?",
                JdbcContacts::request, userId, limit));
    }

    @Override
    public Optional<FriendRequest> acceptRequest(String fromUserId, String toUserId, Instant at)
            throws StorageException {
        return jdbc.inTransaction("accept friend request", c -> {
            lockUsersInOrder(c, fromUserId, toUserId);
            Optional<FriendRequest> settled = settle(c, fromUserId, toUserId, FriendRequestStatus.ACCEPTED, at);
            if (settled.isPresent()) {
                appendIfAbsent(c, fromUserId, toUserId);
                appendIfAbsent(c, toUserId, fromUserId);
            }
            return settled;
        });
    }

    @Override
    public Optional<FriendRequest> rejectRequest(String fromUserId, String toUserId, Instant at)
            throws StorageException {
        return jdbc.inTransaction("reject friend request",
                c -> settle(c, fromUserId, toUserId, FriendRequestStatus.REJECTED, at));
    }

    @Override
    public Set<String> sharingDevicesWith(String viewerId, Collection<String> userIds) throws StorageException {
        List<String> candidates = new ArrayList<>(new LinkedHashSet<>(userIds));
        if (candidates.isEmpty()) {
            return Set.of();
        }
        return jdbc.call("friends sharing devices", c -> {
            Set<String> sharing = new HashSet<>();
            for (int from = 0; from < candidates.size(); from += SHARING_CHUNK) {
                List<String> chunk = candidates.subList(from, Math.min(candidates.size(), from + SHARING_CHUNK));
                String in = String.join(", ", Collections.nCopies(chunk.size(), "?"));
                List<Object> params = new ArrayList<>();
                params.add(viewerId);
                params.addAll(chunk);
                params.add(viewerId);
                params.add(ACCEPTED);
                params.addAll(chunk);
                params.add(viewerId);
                params.add(ACCEPTED);
                params.addAll(chunk);
                sharing.addAll(Jdbc.queryList(c,
                        // Each lists the other ...
                        "SELECT f.owner_id AS user_id FROM friends f JOIN friends g"
                                + " ON g.owner_id = f.friend_id AND g.friend_id = f.owner_id"
                                + " WHERE f.friend_id = ? AND f.owner_id IN (" + in + ")"
                                // ... or a request between them was accepted, in either direction.
                                + " UNION SELECT to_user_id AS user_id FROM friend_requests"
                                + " WHERE from_user_id = ? AND status = ? AND to_user_id IN (" + in + ")"
                                + " UNION SELECT from_user_id AS user_id FROM friend_requests"
                                + " WHERE to_user_id = ? AND status = ? AND from_user_id IN (" + in + ")",
                        row -> row.getString("user_id"), params.toArray()));
            }
            return sharing;
        });
    }

    private static List<FriendEntry> list(Connection c, String userId) throws SQLException {
        return Jdbc.queryList(c, "SELECT friend_id, alias FROM friends WHERE owner_id = ? ORDER BY list_index",
                row -> new FriendEntry(row.getString("friend_id"), row.getString("alias")), userId);
    }

    private static Optional<FriendRequest> find(Connection c, String fromUserId, String toUserId) throws SQLException {
        return Jdbc.queryOne(c, "SELECT " + REQUEST_COLUMNS + " FROM friend_requests"
                + " WHERE from_user_id = ? AND to_user_id = ?", JdbcContacts::request, fromUserId, toUserId);
    }

    private static boolean requestIdTaken(Connection c, String id) throws SQLException {
        return Jdbc.queryOne(c, "SELECT id FROM friend_requests WHERE id = ?", row -> true, id).isPresent();
    }

    /** Turns the pair's pending request into {@code status}; empty when none is pending. */
    private static Optional<FriendRequest> settle(Connection c, String fromUserId, String toUserId,
            FriendRequestStatus status, Instant at) throws SQLException {
        int changed = Jdbc.update(c, "UPDATE friend_requests SET status = ?, updated_at = ?"
                + " WHERE from_user_id = ? AND to_user_id = ? AND status = ?",
                status.label(), at, fromUserId, toUserId, PENDING);
        return changed == 0 ? Optional.empty() : find(c, fromUserId, toUserId);
    }

    /** Consent given by accepting ends when either side drops the other. */
    private static void withdrawAccepted(Connection c, String userId, String otherId) throws SQLException {
        Jdbc.update(c, "DELETE FROM friend_requests WHERE status = ?"
                + " AND ((from_user_id = ? AND to_user_id = ?) OR (from_user_id = ? AND to_user_id = ?))",
                ACCEPTED, userId, otherId, otherId, userId);
    }

    private static void appendIfAbsent(Connection c, String ownerId, String friendId)
            throws SQLException, StorageException {
        boolean listed = Jdbc.queryOne(c, "SELECT friend_id FROM friends WHERE owner_id = ? AND friend_id = ?",
                row -> true, ownerId, friendId).isPresent();
        if (listed) {
            return;
        }
        int[] countAndLast = Jdbc.queryOne(c,
                "SELECT COUNT(*) AS n, COALESCE(MAX(list_index), -1) AS last FROM friends WHERE owner_id = ?",
                row -> new int[] {row.getInt("n"), row.getInt("last")}, ownerId)
                .orElseThrow(() -> new SQLException("an aggregate returned no row"));
        if (countAndLast[0] >= MAX_FRIENDS) {
            throw new StorageException(StorageException.Kind.LIMIT_REACHED,
                    "accept friend request: a friends list has " + MAX_FRIENDS + " entries");
        }
        Jdbc.update(c, "INSERT INTO friends (owner_id, friend_id, list_index, alias) VALUES (?, ?, ?, NULL)",
                ownerId, friendId, countAndLast[1] + 1);
    }

    private static void lockUser(Connection c, String userId, String what) throws SQLException, StorageException {
        if (Jdbc.queryOne(c, "SELECT id FROM users WHERE id = ? FOR UPDATE", row -> true, userId).isEmpty()) {
            throw new StorageException(StorageException.Kind.CONFLICT, what + ": no such user");
        }
    }

    private static void lockUsersInOrder(Connection c, String a, String b) throws SQLException, StorageException {
        String first = a.compareTo(b) <= 0 ? a : b;
        String second = first.equals(a) ? b : a;
        lockUser(c, first, "accept friend request");
        if (!second.equals(first)) {
            lockUser(c, second, "accept friend request");
        }
    }

    private static FriendRequest request(ResultSet row) throws SQLException {
        String label = row.getString("status");
        FriendRequestStatus status = FriendRequestStatus.fromLabel(label)
                .orElseThrow(() -> new SQLException("friend request has an unknown status " + label));
        return new FriendRequest(row.getString("id"), row.getString("from_user_id"), row.getString("to_user_id"),
                status, row.getString("message"), Jdbc.instant(row, "created_at"), Jdbc.instant(row, "updated_at"));
    }
}
