package io.commucat.ccp.server.storage.jdbc;

import io.commucat.ccp.server.storage.Device;
import io.commucat.ccp.server.storage.DeviceKeyEvent;
import io.commucat.ccp.server.storage.DeviceOwner;
import io.commucat.ccp.server.storage.DeviceStatus;
import io.commucat.ccp.server.storage.Directory;
import io.commucat.ccp.server.storage.IssuedCertificate;
import io.commucat.ccp.server.storage.StorageException;
import io.commucat.ccp.server.storage.User;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@link Directory} on PostgreSQL or H2. Thread-safe; every method blocks for its round trips
 * to the database, so callers run it off the event loops.
 *
 * <p>Certificate serials are unsigned 64-bit values carried in a {@code long}; the table keeps
 * their unsigned decimal value in {@code NUMERIC(20)}.
 */
public final class JdbcDirectory implements Directory {

    private static final String USER_COLUMNS = "id, handle, display_name, avatar_url, created_at";
    private static final String DEVICE_COLUMNS = "id, user_id, public_key, status, created_at, name, last_seen";
    private static final String ACTIVE = DeviceStatus.ACTIVE.label();

    /** Devices whose {@code last_seen} one {@link #touchDevices} statement sets at most. */
    static final int MAX_TOUCH_BATCH = 1_000;
    /**
     * PostgreSQL: the whole batch as two arrays (ids, microseconds since the epoch), one plan and
     * one execution; {@code last_seen} only ever moves forward.
     */
    private static final String TOUCH_ALL = "UPDATE devices d SET last_seen = v.seen"
            + " FROM (SELECT id, TIMESTAMPTZ 'epoch' + micros * INTERVAL '1 microsecond' AS seen"
            + " FROM unnest(?::varchar[], ?::bigint[]) AS t(id, micros)) AS v"
            + " WHERE d.id = v.id AND (d.last_seen IS NULL OR d.last_seen < v.seen)";
    /** H2: the same per device, sent as one JDBC batch. */
    private static final String TOUCH_ONE = "UPDATE devices SET last_seen = ?"
            + " WHERE id = ? AND (last_seen IS NULL OR last_seen < ?)";

    private final Jdbc jdbc;
    private final JdbcSettings.Vendor vendor;

    JdbcDirectory(Jdbc jdbc, JdbcSettings.Vendor vendor) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
        this.vendor = Objects.requireNonNull(vendor, "vendor");
    }

    @Override
    public Optional<User> findUser(String userId) throws StorageException {
        return jdbc.call("find user", c -> Jdbc.queryOne(c,
                "SELECT " + USER_COLUMNS + " FROM users WHERE id = ?", JdbcDirectory::user, userId));
    }

    @Override
    public Optional<User> findUserByHandle(String handle) throws StorageException {
        return jdbc.call("find user by handle", c -> Jdbc.queryOne(c,
                "SELECT " + USER_COLUMNS + " FROM users WHERE handle = ?", JdbcDirectory::user, handle));
    }

    @Override
    public User createUser(User user) throws StorageException {
        jdbc.call("create user", c -> Jdbc.update(c,
                "INSERT INTO users (" + USER_COLUMNS + ") VALUES (?, ?, ?, ?, ?)",
                user.id(), user.handle(), user.displayName(), user.avatarUrl(), user.createdAt()));
        return new User(user.id(), user.handle(), user.displayName(), user.avatarUrl(),
                Jdbc.stored(user.createdAt()));
    }

    @Override
    public void updateProfile(String userId, String displayName, String avatarUrl) throws StorageException {
        if (displayName == null && avatarUrl == null) {
            return;
        }
        jdbc.call("update profile", c -> Jdbc.update(c,
                "UPDATE users SET display_name = COALESCE(?, display_name), avatar_url = COALESCE(?, avatar_url)"
                        + " WHERE id = ?",
                displayName, avatarUrl, userId));
    }

    @Override
    public Optional<Device> findDevice(String deviceId) throws StorageException {
        return jdbc.call("find device", c -> Jdbc.queryOne(c,
                "SELECT " + DEVICE_COLUMNS + " FROM devices WHERE id = ?", JdbcDirectory::device, deviceId));
    }

    @Override
    public Optional<DeviceOwner> findDeviceWithOwner(String deviceId) throws StorageException {
        return jdbc.call("find device with owner", c -> Jdbc.queryOne(c,
                "SELECT d.id, d.user_id, d.public_key, d.status, d.created_at, d.name, d.last_seen,"
                        + " u.id AS owner_id, u.handle AS owner_handle, u.display_name AS owner_display_name,"
                        + " u.avatar_url AS owner_avatar_url, u.created_at AS owner_created_at"
                        + " FROM devices d LEFT JOIN users u ON u.id = d.user_id WHERE d.id = ?",
                JdbcDirectory::deviceOwner, deviceId));
    }

    @Override
    public int countActiveDevices(String userId) throws StorageException {
        return jdbc.call("count active devices", c -> countActive(c, userId));
    }

    /**
     * Locks the user's row ({@code SELECT ... FOR UPDATE}) before counting, so concurrent
     * registrations for one user run one after the other and each sees the others' devices;
     * registrations for different users do not wait for each other.
     *
     * @throws StorageException also {@link StorageException.Kind#CONFLICT} when the user does
     *     not exist (an integrity rule, like the foreign key behind it)
     */
    @Override
    public void registerDevice(Device device, DeviceKeyEvent event, int maxActiveDevices) throws StorageException {
        if (maxActiveDevices < 0) {
            throw new IllegalArgumentException("maxActiveDevices must be >= 0: " + maxActiveDevices);
        }
        jdbc.inTransaction("register device", c -> {
            boolean userExists = Jdbc.queryOne(c, "SELECT id FROM users WHERE id = ? FOR UPDATE",
                    row -> true, device.userId()).isPresent();
            if (!userExists) {
                throw new StorageException(StorageException.Kind.CONFLICT, "register device: no such user");
            }
            if (maxActiveDevices > 0 && device.active() && countActive(c, device.userId()) >= maxActiveDevices) {
                throw new StorageException(StorageException.Kind.LIMIT_REACHED,
                        "register device: the user has " + maxActiveDevices + " active devices");
            }
            Jdbc.update(c, "INSERT INTO devices (" + DEVICE_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)",
                    device.id(), device.userId(), device.publicKey(), device.status().label(), device.createdAt(),
                    device.name(), device.lastSeen());
            Jdbc.update(c, "INSERT INTO device_key_events (id, device_id, kind, public_key, occurred_at)"
                    + " VALUES (?, ?, ?, ?, ?)",
                    event.id(), event.deviceId(), event.kind(), event.publicKey(), event.at());
            return null;
        });
    }

    @Override
    public void touchDevice(String deviceId, Instant lastSeen) throws StorageException {
        jdbc.call("touch device", c -> Jdbc.update(c,
                "UPDATE devices SET last_seen = ? WHERE id = ?", lastSeen, deviceId));
    }

    /**
     * One autocommit statement per {@link #MAX_TOUCH_BATCH} devices, in device id order (two
     * nodes' batches over the same devices then lock their rows in the same order).
     */
    @Override
    public void touchDevices(Map<String, Instant> lastSeen) throws StorageException {
        List<Map.Entry<String, Instant>> all = new ArrayList<>(new TreeMap<>(lastSeen).entrySet());
        for (int from = 0; from < all.size(); from += MAX_TOUCH_BATCH) {
            List<Map.Entry<String, Instant>> chunk = all.subList(from, Math.min(all.size(), from + MAX_TOUCH_BATCH));
            jdbc.call("touch devices", c -> {
                touch(c, chunk);
                return null;
            });
        }
    }

    private void touch(Connection connection, List<Map.Entry<String, Instant>> devices) throws SQLException {
        switch (vendor) {
            case POSTGRESQL -> {
                String[] ids = new String[devices.size()];
                Long[] micros = new Long[devices.size()];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = devices.get(i).getKey();
                    micros[i] = ChronoUnit.MICROS.between(Instant.EPOCH, devices.get(i).getValue());
                }
                try (PreparedStatement statement = connection.prepareStatement(TOUCH_ALL)) {
                    statement.setObject(1, ids);
                    statement.setObject(2, micros);
                    statement.executeUpdate();
                }
            }
            case H2 -> {
                try (PreparedStatement statement = connection.prepareStatement(TOUCH_ONE)) {
                    for (Map.Entry<String, Instant> device : devices) {
                        statement.setObject(1, Jdbc.timestamp(device.getValue()));
                        statement.setString(2, device.getKey());
                        statement.setObject(3, Jdbc.timestamp(device.getValue()));
                        statement.addBatch();
                    }
                    statement.executeBatch();
                }
            }
        }
    }

    @Override
    public List<Device> listDevices(String userId) throws StorageException {
        return jdbc.call("list devices", c -> Jdbc.queryList(c,
                "SELECT " + DEVICE_COLUMNS + " FROM devices WHERE user_id = ? ORDER BY created_at, id",
                JdbcDirectory::device, userId));
    }

    @Override
    public boolean revokeDevice(String deviceId) throws StorageException {
        return jdbc.call("revoke device", c -> Jdbc.update(c,
                "UPDATE devices SET status = ? WHERE id = ? AND status = ?",
                DeviceStatus.REVOKED.label(), deviceId, ACTIVE)) > 0;
    }

    @Override
    public void rotateDeviceKey(String deviceId, String expectedKey, DeviceKeyEvent event) throws StorageException {
        jdbc.inTransaction("rotate device key", c -> {
            int changed = Jdbc.update(c,
                    "UPDATE devices SET public_key = ? WHERE id = ? AND public_key = ? AND status = ?",
                    event.publicKey(), deviceId, expectedKey, ACTIVE);
            if (changed == 0) {
                throw new StorageException(StorageException.Kind.CONFLICT,
                        "rotate device key: the device is gone, revoked, or its key changed");
            }
            Jdbc.update(c, "INSERT INTO device_key_events (id, device_id, kind, public_key, occurred_at)"
                    + " VALUES (?, ?, ?, ?, ?)",
                    event.id(), deviceId, event.kind(), event.publicKey(), event.at());
            return null;
        });
    }

    @Override
    public Map<String, Instant> lastRotations(String userId) throws StorageException {
        record Rotation(String deviceId, Instant at) {
        }
        List<Rotation> rows = jdbc.call("last rotations", c -> Jdbc.queryList(c,
                "SELECT e.device_id, MAX(e.occurred_at) AS at FROM device_key_events e"
                        + " JOIN devices d ON d.id = e.device_id"
                        + " WHERE d.user_id = ? AND e.kind = 'rotate' GROUP BY e.device_id",
                row -> new Rotation(row.getString("device_id"), Jdbc.instant(row, "at")), userId));
        Map<String, Instant> rotations = new HashMap<>();
        rows.forEach(r -> rotations.put(r.deviceId(), r.at()));
        return rotations;
    }

    @Override
    public Optional<DeviceKeyEvent> lastKeyEvent(String deviceId) throws StorageException {
        return jdbc.call("last key event", c -> Jdbc.queryOne(c,
                "SELECT id, device_id, kind, public_key, occurred_at FROM device_key_events WHERE device_id = ?"
                        + " ORDER BY occurred_at DESC, id DESC LIMIT 1",
                row -> new DeviceKeyEvent(row.getString("id"), row.getString("device_id"), row.getString("kind"),
                        row.getString("public_key"), Jdbc.instant(row, "occurred_at")),
                deviceId));
    }

    /** From a sequence: never handed out twice, even by racing nodes or rolled-back work. */
    @Override
    public long nextCertificateSerial() throws StorageException {
        return jdbc.call("next certificate serial", c -> Jdbc.queryOne(c,
                "SELECT nextval('certificate_serial_seq')", row -> row.getLong(1))
                .orElseThrow(() -> new SQLException("the sequence returned no row")));
    }

    @Override
    public void recordCertificate(IssuedCertificate certificate) throws StorageException {
        jdbc.call("record certificate", c -> Jdbc.update(c,
                "INSERT INTO certificates (serial, device_id, user_id, public_key, issued_at, expires_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?)",
                unsigned(certificate.serial()), certificate.deviceId(), certificate.userId(),
                certificate.publicKey(), certificate.issuedAt(), certificate.expiresAt()));
    }

    /**
     * The certificate recorded with this serial (not yet part of the {@link Directory} port;
     * revocation will need it).
     */
    public Optional<IssuedCertificate> findCertificate(long serial) throws StorageException {
        return jdbc.call("find certificate", c -> Jdbc.queryOne(c,
                "SELECT serial, device_id, user_id, public_key, issued_at, expires_at FROM certificates"
                        + " WHERE serial = ?",
                row -> new IssuedCertificate(signedBits(row.getBigDecimal("serial")), row.getString("device_id"),
                        row.getString("user_id"), row.getString("public_key"), Jdbc.instant(row, "issued_at"),
                        Jdbc.instant(row, "expires_at")),
                unsigned(serial)));
    }

    private static int countActive(Connection c, String userId) throws SQLException {
        return Jdbc.queryOne(c, "SELECT COUNT(*) FROM devices WHERE user_id = ? AND status = ?",
                row -> row.getInt(1), userId, ACTIVE).orElse(0);
    }

    private static User user(ResultSet row) throws SQLException {
        return new User(row.getString("id"), row.getString("handle"), row.getString("display_name"),
                row.getString("avatar_url"), Jdbc.instant(row, "created_at"));
    }

    private static Device device(ResultSet row) throws SQLException {
        return new Device(row.getString("id"), row.getString("user_id"), row.getString("public_key"),
                DeviceStatus.fromLabel(row.getString("status")), Jdbc.instant(row, "created_at"),
                row.getString("name"), Jdbc.instant(row, "last_seen"));
    }

    private static DeviceOwner deviceOwner(ResultSet row) throws SQLException {
        Optional<User> owner = row.getString("owner_id") == null ? Optional.empty()
                : Optional.of(new User(row.getString("owner_id"), row.getString("owner_handle"),
                        row.getString("owner_display_name"), row.getString("owner_avatar_url"),
                        Jdbc.instant(row, "owner_created_at")));
        return new DeviceOwner(device(row), owner);
    }

    /** The unsigned value of a serial's 64 bits. */
    static BigDecimal unsigned(long serial) {
        return new BigDecimal(new BigInteger(Long.toUnsignedString(serial)));
    }

    /** Back to the 64-bit pattern a {@code long} carries. */
    static long signedBits(BigDecimal stored) {
        return stored.toBigIntegerExact().longValue();
    }
}
