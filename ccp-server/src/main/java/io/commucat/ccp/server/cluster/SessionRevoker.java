package io.commucat.ccp.server.cluster;

import io.commucat.ccp.server.connect.SessionRegistry;
import io.commucat.ccp.server.storage.Bus;
import io.commucat.ccp.server.storage.Presence;
import io.commucat.ccp.server.storage.PresenceSnapshot;
import io.commucat.ccp.server.storage.StorageException;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Ends a revoked device's sessions on every node: on this node directly (not through its own
 * broadcast, which may be late or lost), on every node through a {@link ClusterMessage.Revoke}
 * broadcast, and takes its presence and route away at once so that nothing is routed to it
 * while the nodes close its streams. Blocking (one bus round trip, a few presence calls): call
 * from the storage executor. Thread-safe.
 */
public final class SessionRevoker {

    private final SessionRegistry registry;
    private final Bus bus;
    private final Presence presence;

    public SessionRevoker(SessionRegistry registry, Bus bus, Presence presence) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.bus = Objects.requireNonNull(bus, "bus");
        this.presence = Objects.requireNonNull(presence, "presence");
    }

    /**
     * Ends {@code deviceId}'s sessions everywhere; waits for nothing but the broadcast's and the
     * presence calls' round trips (sessions close on their own loops).
     *
     * @throws StorageException when the bus or presence failed: this node's session is ended
     *     regardless, and the call may be repeated
     */
    public void endSessions(String deviceId) throws StorageException {
        registry.revoke(deviceId);
        StorageException failure = null;
        try {
            bus.broadcast(ClusterMessage.encode(new ClusterMessage.Revoke(deviceId)));
        } catch (StorageException e) {
            failure = e;
        }
        try {
            clearPresence(deviceId);
        } catch (StorageException e) {
            if (failure == null) {
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Whichever node the route and the snapshot name; each node's session clears it again as it ends. */
    private void clearPresence(String deviceId) throws StorageException {
        Set<String> nodes = new LinkedHashSet<>();
        presence.route(deviceId).ifPresent(nodes::add);
        presence.find(deviceId).map(PresenceSnapshot::nodeId).ifPresent(nodes::add);
        for (String node : nodes) {
            presence.clear(deviceId, node);
        }
    }
}
