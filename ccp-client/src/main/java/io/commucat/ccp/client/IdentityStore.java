package io.commucat.ccp.client;

import java.io.IOException;
import java.util.Optional;

/**
 * Where a device keeps who it is between runs: its id, keys and certificate, and its user. The
 * default is {@link FileIdentityStore}; a platform key store (Android Keystore, a TPM-backed
 * store) implements this. Implementations must be thread-safe and make {@link #save} atomic: a
 * crash leaves the old identity or the new one, never half of either.
 */
public interface IdentityStore {

    /** The stored identity, or empty before the device registered or paired. */
    Optional<StoredIdentity> load() throws IOException;

    /** Replaces the stored identity. */
    void save(StoredIdentity identity) throws IOException;

    /**
     * A store that keeps the identity in this process's memory only: it is gone when the process
     * ends. For devices whose identity lives elsewhere and is handed to the client at start (a
     * gateway that keeps keys in its own vault), tests and load generators. Thread-safe.
     */
    static IdentityStore inMemory() {
        return new InMemoryIdentityStore(null);
    }

    /** As {@link #inMemory()}, holding {@code identity} from the start. */
    static IdentityStore inMemory(StoredIdentity identity) {
        return new InMemoryIdentityStore(java.util.Objects.requireNonNull(identity, "identity"));
    }
}
