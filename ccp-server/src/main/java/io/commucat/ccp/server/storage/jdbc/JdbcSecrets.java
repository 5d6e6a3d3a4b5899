package io.commucat.ccp.server.storage.jdbc;

import io.commucat.ccp.server.storage.NoiseKeyRecord;
import io.commucat.ccp.server.storage.Secrets;
import io.commucat.ccp.server.storage.StorageException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link Secrets} on PostgreSQL or H2. Keys are stored as handed over: sealing with the at-rest
 * key happens above this port. Thread-safe; every method blocks for its round trips to the
 * database.
 */
public final class JdbcSecrets implements Secrets {

    /** The device CA table holds at most this one row. */
    private static final int DEVICE_CA_ROW = 1;

    private final Jdbc jdbc;
    private final Clock clock;

    JdbcSecrets(Jdbc jdbc, Clock clock) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public List<NoiseKeyRecord> noiseKeys() throws StorageException {
        return jdbc.call("list noise keys", c -> Jdbc.queryList(c,
                "SELECT version, public_key, sealed_private_key, valid_after, rotates_at, expires_at"
                        + " FROM noise_keys ORDER BY version DESC",
                JdbcSecrets::noiseKey));
    }

    @Override
    public void addNoiseKey(NoiseKeyRecord key) throws StorageException {
        jdbc.call("add noise key", c -> Jdbc.update(c,
                "INSERT INTO noise_keys (version, public_key, sealed_private_key, valid_after, rotates_at, expires_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?)",
                key.version(), key.publicKey(), key.sealedPrivateKey(), key.validAfter(), key.rotatesAt(),
                key.expiresAt()));
    }

    @Override
    public void deleteNoiseKey(int version) throws StorageException {
        jdbc.call("delete noise key", c -> Jdbc.update(c, "DELETE FROM noise_keys WHERE version = ?", version));
    }

    @Override
    public Optional<byte[]> deviceCaKey() throws StorageException {
        return jdbc.call("read device CA key", JdbcSecrets::readCaKey);
    }

    /**
     * Inserts the row unless it exists and reads back whatever is stored. A racing insert from
     * another node blocks on the primary key until the first commits, then fails with a unique
     * violation, which here means "someone else won".
     */
    @Override
    public byte[] deviceCaKeyOrStore(byte[] sealedKey) throws StorageException {
        Objects.requireNonNull(sealedKey, "sealedKey");
        return jdbc.call("store device CA key", c -> {
            Optional<byte[]> existing = readCaKey(c);
            if (existing.isPresent()) {
                return existing.get();
            }
            try {
                Jdbc.update(c, "INSERT INTO device_ca (id, sealed_key, created_at) VALUES (?, ?, ?)",
                        DEVICE_CA_ROW, sealedKey, clock.instant());
            } catch (SQLException e) {
                if (!SqlErrors.isUniqueViolation(e)) {
                    throw e;
                }
            }
            return readCaKey(c).orElseThrow(() -> new SQLException("device CA row vanished after insert"));
        });
    }

    private static Optional<byte[]> readCaKey(Connection c) throws SQLException {
        return Jdbc.queryOne(c, "SELECT sealed_key FROM device_ca WHERE id = ?",
                row -> row.getBytes("sealed_key"), DEVICE_CA_ROW);
    }

    private static NoiseKeyRecord noiseKey(ResultSet row) throws SQLException {
        return new NoiseKeyRecord(row.getInt("version"), row.getBytes("public_key"),
                row.getBytes("sealed_private_key"), Jdbc.instant(row, "valid_after"),
                Jdbc.instant(row, "rotates_at"), Jdbc.instant(row, "expires_at"));
    }
}
