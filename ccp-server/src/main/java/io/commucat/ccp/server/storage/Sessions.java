package io.commucat.ccp.server.storage;

import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/** Session records with their expiry. Blocking, thread-safe. */
public interface Sessions {

    void create(SessionRecord session) throws StorageException;

    /**
     * A session starts: {@link #create} and, where the store also holds devices, the device's
     * {@code last_seen} set to the session's creation, committed together (one round trip to the
     * pool and one commit where there were two).
     *
     * @throws StorageException {@link StorageException.Kind#CONFLICT} when the hash exists
     *     (nothing is written then)
     */
    void start(SessionRecord session) throws StorageException;

    /** The session with this token hash, if it exists and has not expired at {@code now}. */
    Optional<SessionRecord> find(String tokenHash, Instant now) throws StorageException;

    /**
     * Moves the expiry; false when the session is gone or, where the store also holds devices,
     * its device is revoked (so a connected device's periodic refresh notices a revocation whose
     * broadcast it missed).
     */
    boolean refresh(String tokenHash, Instant expiresAt) throws StorageException;

    /**
     * {@link #refresh} for several sessions at once (a node's keepalive round), in as few
     * statements as the store can; returns the token hashes that were not refreshed: gone, or
     * their device revoked. This default refreshes one at a time.
     */
    default Set<String> refreshAll(Collection<String> tokenHashes, Instant expiresAt) throws StorageException {
        Set<String> missed = new HashSet<>();
        for (String tokenHash : tokenHashes) {
            if (!refresh(tokenHash, expiresAt)) {
                missed.add(tokenHash);
            }
        }
        return missed;
    }

    void delete(String tokenHash) throws StorageException;

    /** Deletes every session of a device; returns how many. */
    int deleteForDevice(String deviceId) throws StorageException;

    /** Deletes sessions expired at {@code now}; returns how many. */
    int purgeExpired(Instant now) throws StorageException;
}
