package io.commucat.ccp.server.storage;

import java.time.Instant;
import java.util.Optional;

/**
 * Pairing codes by the hash of their normalised text (rest.md "POST /api/pair",
 * "POST /api/pair/claim"). A code is live at {@code now} while it is unredeemed,
 * {@code now < expires_at}, and it has fewer than {@link #MAX_FAILED_ATTEMPTS} failed attempts.
 * Blocking: callers run it off the event loops. Thread-safe, and safe for several nodes sharing
 * one database.
 */
public interface PairingCodes {

    /** Failed attempts (bad or missing proofs) that lock a code for good (rest.md). */
    int MAX_FAILED_ATTEMPTS = 5;

    /** How many live codes a user holds, and when the first of them expires. */
    record LiveCodes(int count, Optional<Instant> firstExpiry) {
    }

    /**
     * Stores a fresh code unless its user already holds {@code maxLive} live codes at
     * {@code code.issuedAt()}; checked atomically with the insert, so racing issues cannot pass
     * the cap.
     *
     * @throws StorageException {@link StorageException.Kind#LIMIT_REACHED} at the cap,
     *     {@link StorageException.Kind#CONFLICT} when the hash exists (draw another code) or the
     *     user does not exist
     */
    void issue(PairingCode code, int maxLive) throws StorageException;

    LiveCodes live(String userId, Instant now) throws StorageException;

    /** The code with this hash, in whatever state (until {@link #purgeExpired} removes it). */
    Optional<PairingCode> find(String codeHash) throws StorageException;

    /**
     * Redeems a live code for {@code deviceId}: single use, so of racing calls for one code at
     * most one returns true.
     *
     * @return false when the code is unknown or was not live at {@code now}
     */
    boolean redeem(String codeHash, String deviceId, Instant now) throws StorageException;

    /**
     * Counts one failed attempt against a live code (the {@link #MAX_FAILED_ATTEMPTS}th locks
     * it); a code that is not live is left as it is.
     *
     * @return the code as it is afterwards; empty when unknown
     */
    Optional<PairingCode> recordFailure(String codeHash, Instant now) throws StorageException;

    /** Deletes codes that expired at or before {@code cutoff}; returns how many. */
    int purgeExpired(Instant cutoff) throws StorageException;
}
