package io.commucat.ccp.server.storage;

import java.util.List;
import java.util.Optional;

/**
 * The server's long-term secrets: the Noise static key catalog and the device CA key. Several
 * nodes share one store, so creation is first-writer-wins. Blocking, thread-safe.
 */
public interface Secrets {

    /** Every stored Noise key version, newest (highest version) first. */
    List<NoiseKeyRecord> noiseKeys() throws StorageException;

    /**
     * Adds a key version.
     *
     * @throws StorageException {@link StorageException.Kind#CONFLICT} when the version exists
     *     (another node rotated first; re-read the catalog)
     */
    void addNoiseKey(NoiseKeyRecord key) throws StorageException;

    /** Removes a version (after it expired). */
    void deleteNoiseKey(int version) throws StorageException;

    /** The sealed device CA key, if one was stored. */
    Optional<byte[]> deviceCaKey() throws StorageException;

    /**
     * Stores {@code sealedKey} as the device CA key unless one exists, and returns the stored
     * one: racing nodes all end up with the first writer's key.
     */
    byte[] deviceCaKeyOrStore(byte[] sealedKey) throws StorageException;
}
