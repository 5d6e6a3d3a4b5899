package io.commucat.ccp.server.connect;

import io.commucat.ccp.server.storage.PresenceSnapshot;
import io.commucat.ccp.server.storage.StorageException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes the presence snapshots and routes of many of this node's sessions in one pipelined
 * round trip ({@code Presence#takeRoutes}), and tells each node a route was taken from, as a
 * bootstrap does ({@code Router#announceSession}): there an older session of the device ends and
 * a newer one takes the route back, so two sessions of one device (one the device no longer
 * reads) do not take turns holding its route. Used by the keepalive round and by the rewrite
 * after Redis came back empty.
 *
 * <p>Blocking: only ever called off the event loops. Stateless and thread-safe.
 */
public final class RouteTakeover {

    /** Sessions written in one round trip at most (a pipeline holds every reply until it syncs). */
    public static final int MAX_BATCH = 1_000;

    private final ConnectServices services;

    public RouteTakeover(ConnectServices services) {
        this.services = services;
    }

    /**
     * Writes the presence and route of each of {@code sessions} that is still established and
     * its device's current session here, at most {@link #MAX_BATCH} per call; returns how many.
     */
    public int takeOver(Collection<ConnectSession> sessions) throws StorageException {
        List<LiveSession> live = new ArrayList<>(sessions.size());
        for (ConnectSession session : sessions) {
            LiveSession state = session.live();
            if (state != null) {
                live.add(state);
            }
        }
        takeOver(live, services.clock().instant());
        return live.size();
    }

    /** As above, for sessions already read. */
    void takeOver(List<LiveSession> sessions, Instant now) throws StorageException {
        if (sessions.size() > MAX_BATCH) {
            throw new IllegalArgumentException(sessions.size() + " sessions in one batch; at most " + MAX_BATCH);
        }
        // One per device: a session read just before its successor registered may be here too.
        Map<String, LiveSession> byDevice = new LinkedHashMap<>();
        for (LiveSession session : sessions) {
            byDevice.merge(session.deviceId(), session,
                    (a, b) -> b.authenticatedAt().isAfter(a.authenticatedAt()) ? b : a);
        }
        if (byDevice.isEmpty()) {
            return;
        }
        List<PresenceSnapshot> snapshots = new ArrayList<>(byDevice.size());
        byDevice.values().forEach(session -> snapshots.add(session.snapshot(services.nodeId(), now)));
        Map<String, Optional<String>> previous = services.presence().takeRoutes(snapshots,
                services.policy().presenceTtl());
        for (LiveSession session : byDevice.values()) {
            previous.getOrDefault(session.deviceId(), Optional.empty()).ifPresent(node ->
                    services.router().announceSession(session.deviceId(), node, session.authenticatedAt()));
        }
    }
}
