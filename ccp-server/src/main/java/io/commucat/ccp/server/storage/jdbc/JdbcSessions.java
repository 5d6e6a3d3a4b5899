package io.commucat.ccp.server.storage.jdbc;

import io.commucat.ccp.server.storage.DeviceStatus;
import io.commucat.ccp.server.storage.SessionRecord;
import io.commucat.ccp.server.storage.Sessions;
import io.commucat.ccp.server.storage.StorageException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * {@link Sessions} on PostgreSQL or H2. A session is live while {@code now < expires_at}.
 * Thread-safe; every method blocks for one round trip to the database.
 */
public final class JdbcSessions implements Sessions {

    private static final String COLUMNS = "token_hash, device_id, user_id, created_at, expires_at, node_id";

    /** Token hashes bound to one batched refresh statement at most. */
    static final int MAX_REFRESH_BATCH = 1_000;

    /** The sessions to refresh: not revoked (a device row that is not active stops its sessions' refresh). */
    private static final String REFRESHABLE = "token_hash = ANY(?) AND NOT EXISTS"
            + " (SELECT 1 FROM devices d WHERE d.id = sessions.device_id AND d.status <> ?)";

    private final Jdbc jdbc;
    /** The batched refresh reads back what it updated: RETURNING on PostgreSQL, a delta table on H2. */
    private final String refreshAllSql;

    JdbcSessions(Jdbc jdbc, JdbcSettings.Vendor vendor) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
        String update = "UPDATE sessions SET expires_at = ? WHERE " + REFRESHABLE;
        this.refreshAllSql = switch (vendor) {
            case POSTGRESQL -> update + " RETURNING token_hash";
            case H2 -> "SELECT token_hash FROM FINAL TABLE (" + update + ")";
        };
    }

    /** @throws StorageException {@link StorageException.Kind#CONFLICT} when the hash exists */
    @Override
    public void create(SessionRecord session) throws StorageException {
        jdbc.call("create session", c -> Jdbc.update(c,
                "INSERT INTO sessions (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)",
                session.tokenHash(), session.deviceId(), session.userId(), session.createdAt(),
                session.expiresAt(), session.nodeId()));
    }

    @Override
    public void start(SessionRecord session) throws StorageException {
        jdbc.inTransaction("start session", c -> {
            Jdbc.update(c, "INSERT INTO sessions (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)",
                    session.tokenHash(), session.deviceId(), session.userId(), session.createdAt(),
                    session.expiresAt(), session.nodeId());
            return Jdbc.update(c, "UPDATE devices SET last_seen = ? WHERE id = ?", session.createdAt(),
                    session.deviceId());
        });
    }

    @Override
    public Optional<SessionRecord> find(String tokenHash, Instant now) throws StorageException {
        return jdbc.call("find session", c -> Jdbc.queryOne(c,
                "SELECT " + COLUMNS + " FROM sessions WHERE token_hash = ? AND expires_at > ?",
                JdbcSessions::session, tokenHash, now));
    }

    @Override
    public boolean refresh(String tokenHash, Instant expiresAt) throws StorageException {
        return jdbc.call("refresh session", c -> Jdbc.update(c,
                "UPDATE sessions SET expires_at = ? WHERE token_hash = ? AND NOT EXISTS"
                        + " (SELECT 1 FROM devices d WHERE d.id = sessions.device_id AND d.status <> ?)",
                expiresAt, tokenHash, DeviceStatus.ACTIVE.label())) > 0;
    }

    /** One autocommit statement per {@link #MAX_REFRESH_BATCH} hashes. */
    @Override
    public Set<String> refreshAll(Collection<String> tokenHashes, Instant expiresAt) throws StorageException {
        Set<String> missed = new HashSet<>(tokenHashes);
        List<String> all = new ArrayList<>(missed);
        for (int from = 0; from < all.size(); from += MAX_REFRESH_BATCH) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + MAX_REFRESH_BATCH));
            missed.removeAll(jdbc.call("refresh sessions", c -> refreshed(c, chunk, expiresAt)));
        }
        return missed;
    }

    private List<String> refreshed(Connection connection, List<String> tokenHashes, Instant expiresAt)
            throws SQLException {
        Array hashes = connection.createArrayOf("varchar", tokenHashes.toArray());
        try (PreparedStatement statement = connection.prepareStatement(refreshAllSql)) {
            statement.setObject(1, Jdbc.timestamp(expiresAt));
            statement.setArray(2, hashes);
            statement.setString(3, DeviceStatus.ACTIVE.label());
            List<String> refreshed = new ArrayList<>(tokenHashes.size());
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    refreshed.add(rows.getString(1));
                }
            }
            return refreshed;
        } finally {
            hashes.free();
        }
    }

    @Override
    public void delete(String tokenHash) throws StorageException {
        jdbc.call("delete session", c -> Jdbc.update(c, "DELETE FROM sessions WHERE token_hash = ?", tokenHash));
    }

    @Override
    public int deleteForDevice(String deviceId) throws StorageException {
        return jdbc.call("delete device sessions", c -> Jdbc.update(c,
                "DELETE FROM sessions WHERE device_id = ?", deviceId));
    }

    @Override
    public int purgeExpired(Instant now) throws StorageException {
        return jdbc.call("purge expired sessions", c -> Jdbc.update(c,
                "DELETE FROM sessions WHERE expires_at <= ?", now));
    }

    private static SessionRecord session(ResultSet row) throws SQLException {
        return new SessionRecord(row.getString("token_hash"), row.getString("device_id"), row.getString("user_id"),
                Jdbc.instant(row, "created_at"), Jdbc.instant(row, "expires_at"), row.getString("node_id"));
    }
}
