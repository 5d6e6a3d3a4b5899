package io.commucat.ccp.server.storage.jdbc;

import io.commucat.ccp.server.storage.PairingCode;
import io.commucat.ccp.server.storage.PairingCodes;
import io.commucat.ccp.server.storage.StorageException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link PairingCodes} on PostgreSQL or H2. Thread-safe; every method blocks for its round trips
 * to the database.
 *
 * <p>Single use rests on one conditional {@code UPDATE} per redeem: both databases re-check the
 * {@code WHERE} clause on the row they lock, so when two claims race, the second finds the row
 * redeemed and changes nothing. The per-user cap rests on the user's row lock, as device
 * registration's limit does ({@link JdbcDirectory#registerDevice}).
 */
public final class JdbcPairingCodes implements PairingCodes {

    private static final String COLUMNS = "code_hash, user_id, issuer_device_id, issued_at, expires_at, "
            + "failed_attempts, redeemed_at, redeemed_device_id";
    /** A live code, given the instant as the first parameter and the attempt limit as the second. */
    private static final String LIVE = "redeemed_at IS NULL AND expires_at > ? AND failed_attempts < ?";

    private final Jdbc jdbc;

    JdbcPairingCodes(Jdbc jdbc) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
    }

    /** @param maxLive the cap; 0 means none */
    @Override
    public void issue(PairingCode code, int maxLive) throws StorageException {
        if (maxLive < 0) {
            throw new IllegalArgumentException("maxLive must be >= 0: " + maxLive);
        }
        jdbc.inTransaction("issue pairing code", c -> {
            boolean userExists = Jdbc.queryOne(c, "SELECT id FROM users WHERE id = ? FOR UPDATE",
                    row -> true, code.userId()).isPresent();
            if (!userExists) {
                throw new StorageException(StorageException.Kind.CONFLICT, "issue pairing code: no such user");
            }
            if (maxLive > 0 && countLive(c, code.userId(), code.issuedAt()) >= maxLive) {
                throw new StorageException(StorageException.Kind.LIMIT_REACHED,
                        "issue pairing code: the user holds " + maxLive + " live codes");
            }
            Jdbc.update(c, "INSERT INTO pairing_codes (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    code.codeHash(), code.userId(), code.issuerDeviceId(), code.issuedAt(), code.expiresAt(),
                    code.failedAttempts(), code.redeemedAt(), code.redeemedDeviceId());
            return null;
        });
    }

    @Override
    public LiveCodes live(String userId, Instant now) throws StorageException {
        return jdbc.call("count live pairing codes", c -> Jdbc.queryOne(c,
                "SELECT COUNT(*) AS live, MIN(expires_at) AS first_expiry FROM pairing_codes WHERE user_id = ? AND "
                        + LIVE,
                row -> new LiveCodes(row.getInt("live"), Optional.ofNullable(Jdbc.instant(row, "first_expiry"))),
                userId, now, MAX_FAILED_ATTEMPTS))
                .orElse(new LiveCodes(0, Optional.empty()));
    }

    @Override
    public Optional<PairingCode> find(String codeHash) throws StorageException {
        return jdbc.call("find pairing code", c -> find(c, codeHash));
    }

    @Override
    public boolean redeem(String codeHash, String deviceId, Instant now) throws StorageException {
        Objects.requireNonNull(deviceId, "deviceId");
        return jdbc.call("redeem pairing code", c -> Jdbc.update(c,
                "UPDATE pairing_codes SET redeemed_at = ?, redeemed_device_id = ? WHERE code_hash = ? AND " + LIVE,
                now, deviceId, codeHash, now, MAX_FAILED_ATTEMPTS)) == 1;
    }

    /** The update and the read share a transaction: the row stays locked in between, so the count read is ours. */
    @Override
    public Optional<PairingCode> recordFailure(String codeHash, Instant now) throws StorageException {
        return jdbc.inTransaction("record failed pairing attempt", c -> {
            Jdbc.update(c, "UPDATE pairing_codes SET failed_attempts = failed_attempts + 1 WHERE code_hash = ? AND "
                    + LIVE, codeHash, now, MAX_FAILED_ATTEMPTS);
            return find(c, codeHash);
        });
    }

    @Override
    public int purgeExpired(Instant cutoff) throws StorageException {
        return jdbc.call("purge expired pairing codes", c -> Jdbc.update(c,
                "DELETE FROM pairing_codes WHERE expires_at <= ?", cutoff));
    }

    private static Optional<PairingCode> find(Connection c, String codeHash) throws SQLException {
        return Jdbc.queryOne(c, "SELECT " + COLUMNS + " FROM pairing_codes WHERE code_hash = ?",
                JdbcPairingCodes::code, codeHash);
    }

    private static int countLive(Connection c, String userId, Instant now) throws SQLException {
        return Jdbc.queryOne(c, "SELECT COUNT(*) FROM pairing_codes WHERE user_id = ? AND " + LIVE,
                row -> row.getInt(1), userId, now, MAX_FAILED_ATTEMPTS).orElse(0);
    }

    private static PairingCode code(ResultSet row) throws SQLException {
        return new PairingCode(row.getString("code_hash"), row.getString("user_id"),
                row.getString("issuer_device_id"), Jdbc.instant(row, "issued_at"), Jdbc.instant(row, "expires_at"),
                row.getInt("failed_attempts"), Jdbc.instant(row, "redeemed_at"), row.getString("redeemed_device_id"));
    }
}
