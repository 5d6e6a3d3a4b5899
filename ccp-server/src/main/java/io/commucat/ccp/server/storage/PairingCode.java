package io.commucat.ccp.server.storage;

import java.time.Instant;
import java.util.Objects;

/**
 * A pairing code as stored (rest.md "POST /api/pair"): never the code itself, only its hash.
 *
 * @param codeHash         keyed hash (HMAC-SHA256, {@code pairing.PairCodeKey}) of the normalised
 *                         code, lower-case hex (64 digits)
 * @param issuerDeviceId   the device that asked for it; null for an admin enrolment
 * @param failedAttempts   claims refused for a bad or missing proof
 * @param redeemedAt       when a claim redeemed it; null while unredeemed
 * @param redeemedDeviceId the device that claim registered; null while unredeemed
 */
public record PairingCode(String codeHash, String userId, String issuerDeviceId, Instant issuedAt, Instant expiresAt,
        int failedAttempts, Instant redeemedAt, String redeemedDeviceId) {

    /** What a claim of the code would find, in this order of precedence. */
    public enum State {
        /** Redeemable. */
        LIVE,
        /** Redeemed once already. */
        USED,
        /** {@link PairingCodes#MAX_FAILED_ATTEMPTS} failed attempts: refused for good. */
        LOCKED,
        /** Past {@code expiresAt}. */
        EXPIRED
    }

    public PairingCode {
        Objects.requireNonNull(codeHash, "codeHash");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        if (failedAttempts < 0) {
            throw new IllegalArgumentException("failedAttempts must be >= 0: " + failedAttempts);
        }
    }

    /** A fresh code: no attempts, not redeemed. */
    public static PairingCode issued(String codeHash, String userId, String issuerDeviceId, Instant issuedAt,
            Instant expiresAt) {
        return new PairingCode(codeHash, userId, issuerDeviceId, issuedAt, expiresAt, 0, null, null);
    }

    /** Its state at {@code now}: a code is live while {@code now < expiresAt}. */
    public State state(Instant now) {
        if (redeemedAt != null) {
            return State.USED;
        }
        if (failedAttempts >= PairingCodes.MAX_FAILED_ATTEMPTS) {
            return State.LOCKED;
        }
        if (!now.isBefore(expiresAt)) {
            return State.EXPIRED;
        }
        return State.LIVE;
    }
}
