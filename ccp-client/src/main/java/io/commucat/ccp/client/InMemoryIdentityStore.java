package io.commucat.ccp.client;

import java.util.Optional;

/** {@link IdentityStore#inMemory()}: one identity in a volatile field; a save replaces it at once. */
final class InMemoryIdentityStore implements IdentityStore {

    private volatile StoredIdentity identity;

    InMemoryIdentityStore(StoredIdentity identity) {
        this.identity = identity;
    }

    @Override
    public Optional<StoredIdentity> load() {
        return Optional.ofNullable(identity);
    }

    @Override
    public void save(StoredIdentity identity) {
        this.identity = java.util.Objects.requireNonNull(identity, "identity");
    }

    @Override
    public String toString() {
        StoredIdentity current = identity;
        return "IdentityStore.inMemory(" + (current == null ? "empty" : current.deviceId()) + ")";
    }
}
