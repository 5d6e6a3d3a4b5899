package io.commucat.ccp.server.storage.jdbc;

import io.commucat.ccp.server.storage.DeviceStatus;
import io.commucat.ccp.server.storage.SessionRecord;
import io.commucat.ccp.server.storage.Sessions;
import io.commucat.ccp.server.storage.StorageException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link Sessions} on PostgreSQL or H2. A session is live while {@code now < expires_at}.
 * Thread-safe; every method blocks for one round trip to the database.
 */
public final class JdbcSessions implements Sessions {

    private static final String COLUMNS = "token_hash, device_id, user_id, created_at, expires_at, node_id";

    private final Jdbc jdbc;

    JdbcSessions(Jdbc jdbc) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
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
