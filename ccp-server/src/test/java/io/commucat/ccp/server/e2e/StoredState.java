package io.commucat.ccp.server.e2e;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a node stored, read straight from the SQL tables (JDBC, no server code in between) and
 * from presence. Blocking; test thread only.
 */
final class StoredState {

    /** A row of {@code devices}. */
    record DeviceRow(String id, String userId, String publicKey, String status) {
    }

    /** A row of {@code certificates}. */
    record CertificateRow(long serial, String publicKey) {
    }

    /** A row of {@code sessions}. */
    record SessionRow(String deviceId, String userId, String nodeId) {
    }

    /** Presence as the node published it: snapshot state and route, either may be absent. */
    interface PresenceReader {
        Optional<String> state(String deviceId) throws Exception;

        Optional<String> route(String deviceId) throws Exception;
    }

    @FunctionalInterface
    interface Connections {
        Connection open() throws SQLException;
    }

    private final Connections sql;
    private final PresenceReader presence;

    StoredState(Connections sql, PresenceReader presence) {
        this.sql = sql;
        this.presence = presence;
    }

    Optional<DeviceRow> device(String deviceId) throws SQLException {
        List<DeviceRow> rows = query("SELECT id, user_id, public_key, status FROM devices WHERE id = ?",
                r -> new DeviceRow(r.getString(1), r.getString(2), r.getString(3), r.getString(4)), deviceId);
        return rows.stream().findFirst();
    }

    /** The device's {@code last_seen}; empty when unset or no such device. */
    Optional<java.time.Instant> lastSeen(String deviceId) throws SQLException {
        return query("SELECT last_seen FROM devices WHERE id = ?", r -> {
            java.time.OffsetDateTime at = r.getObject(1, java.time.OffsetDateTime.class);
            return at == null ? null : at.toInstant();
        }, deviceId).stream().filter(java.util.Objects::nonNull).findFirst();
    }

    /** {@code kind public_key} of the device's key events, oldest first. */
    List<String> keyEvents(String deviceId) throws SQLException {
        return query("SELECT kind, public_key FROM device_key_events WHERE device_id = ? ORDER BY occurred_at",
                r -> r.getString(1) + " " + r.getString(2), deviceId);
    }

    List<CertificateRow> certificates(String deviceId) throws SQLException {
        return query("SELECT serial, public_key FROM certificates WHERE device_id = ? ORDER BY serial",
                r -> new CertificateRow(r.getBigDecimal(1).longValueExact(), r.getString(2)), deviceId);
    }

    Optional<SessionRow> session(String tokenHash) throws SQLException {
        return query("SELECT device_id, user_id, node_id FROM sessions WHERE token_hash = ?",
                r -> new SessionRow(r.getString(1), r.getString(2), r.getString(3)), tokenHash).stream().findFirst();
    }

    int sessionCount(String deviceId) throws SQLException {
        return query("SELECT COUNT(*) FROM sessions WHERE device_id = ?", r -> r.getInt(1), deviceId).get(0);
    }

    Optional<String> userIdByHandle(String handle) throws SQLException {
        return query("SELECT id FROM users WHERE handle = ?", r -> r.getString(1), handle).stream().findFirst();
    }

    int activeDevices(String userId) throws SQLException {
        return query("SELECT COUNT(*) FROM devices WHERE user_id = ? AND status = 'active'", r -> r.getInt(1), userId)
                .get(0);
    }

    /** Payloads queued for the device, oldest first, read as UTF-8 text. */
    List<String> queuedTexts(String deviceId) throws SQLException {
        return query("SELECT payload FROM inbox WHERE recipient = ? ORDER BY id",
                r -> new String(r.getBytes(1), java.nio.charset.StandardCharsets.UTF_8), deviceId);
    }

    /** A connection of the test's own to the node's database (to hold locks against it). */
    Connection connection() throws SQLException {
        return sql.open();
    }

    /** How many envelopes are queued for the device. */
    int queuedCount(String deviceId) throws SQLException {
        return query("SELECT COUNT(*) FROM inbox WHERE recipient = ?", r -> r.getInt(1), deviceId).get(0);
    }

    /** {@code device joined} of each member row of the channel. */
    List<String> channelMembers(long channelId) throws SQLException {
        return query("SELECT device_id, joined FROM channel_members WHERE channel_id = CAST(? AS BIGINT)"
                + " ORDER BY device_id", r -> r.getString(1) + " " + r.getBoolean(2), Long.toString(channelId));
    }

    Optional<String> presenceState(String deviceId) throws Exception {
        return presence.state(deviceId);
    }

    Optional<String> route(String deviceId) throws Exception {
        return presence.route(deviceId);
    }

    @FunctionalInterface
    private interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    private <T> List<T> query(String statement, RowMapper<T> mapper, String argument) throws SQLException {
        try (Connection c = sql.open(); PreparedStatement s = c.prepareStatement(statement)) {
            s.setString(1, argument);
            try (ResultSet r = s.executeQuery()) {
                List<T> rows = new ArrayList<>();
                while (r.next()) {
                    rows.add(mapper.map(r));
                }
                return rows;
            }
        }
    }
}
