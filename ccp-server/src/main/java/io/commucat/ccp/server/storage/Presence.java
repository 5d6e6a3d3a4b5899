package io.commucat.ccp.server.storage;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Presence snapshots and device → node routes, both expiring unless refreshed (Redis in
 * production, in-process for one node). Blocking, thread-safe.
 */
public interface Presence {

    /** Stores the snapshot, expiring after {@code ttl}. */
    void publish(PresenceSnapshot snapshot, Duration ttl) throws StorageException;

    Optional<PresenceSnapshot> find(String deviceId) throws StorageException;

    /** Points the device at {@code nodeId}, expiring after {@code ttl}. */
    void setRoute(String deviceId, String nodeId, Duration ttl) throws StorageException;

    Optional<String> route(String deviceId) throws StorageException;

    /**
     * Points the device at {@code nodeId}, expiring after {@code ttl}, and returns the node the
     * route named before (absent: none), in one atomic step where the backend can: a new
     * session learns whom it took the route from, even when that is a newer session of the
     * device elsewhere (see {@code Router#announceSession}).
     */
    default Optional<String> takeRoute(String deviceId, String nodeId, Duration ttl) throws StorageException {
        Optional<String> previous = route(deviceId);
        setRoute(deviceId, nodeId, ttl);
        return previous;
    }

    /**
     * For each snapshot, {@link #publish} it and {@link #takeRoute} of its device for the
     * snapshot's node, both for {@code ttl}, in one round trip where the backend can (a node's
     * keepalive round, or its rewrite after Redis came back). Returns, for each device, the node
     * its route named before (absent: none), as {@link #takeRoute} does per device. This default
     * writes one device at a time.
     *
     * @throws IllegalArgumentException when two snapshots are of the same device
     */
    default Map<String, Optional<String>> takeRoutes(Collection<PresenceSnapshot> snapshots, Duration ttl)
            throws StorageException {
        Map<String, Optional<String>> previous = new HashMap<>();
        for (PresenceSnapshot snapshot : distinctDevices(snapshots)) {
            publish(snapshot, ttl);
            previous.put(snapshot.deviceId(), takeRoute(snapshot.deviceId(), snapshot.nodeId(), ttl));
        }
        return previous;
    }

    /** {@code snapshots}, checked to name each device once (for {@link #takeRoutes}). */
    static Collection<PresenceSnapshot> distinctDevices(Collection<PresenceSnapshot> snapshots) {
        Set<String> devices = new HashSet<>();
        for (PresenceSnapshot snapshot : snapshots) {
            if (!devices.add(snapshot.deviceId())) {
                throw new IllegalArgumentException("two snapshots of one device in a batch: " + snapshot.deviceId());
            }
        }
        return snapshots;
    }

    /**
     * The routes of several devices (absent: no route), in one round trip where the backend
     * can; this default asks one at a time.
     */
    default Map<String, Optional<String>> routes(Collection<String> deviceIds) throws StorageException {
        Map<String, Optional<String>> routes = new HashMap<>();
        for (String deviceId : deviceIds) {
            routes.put(deviceId, route(deviceId));
        }
        return routes;
    }

    /**
     * Removes the device's presence and route if they still name {@code nodeId}: a node that
     * lost a device to another node must not erase the newer entry.
     */
    void clear(String deviceId, String nodeId) throws StorageException;

    /**
     * Sessions of these devices on {@code nodeId} ended, each at the instant given (a node's
     * session ends, recorded in batches): for each device, {@link #clear} as above, except that a
     * snapshot naming {@code nodeId} and written after the end (a newer session of the device on
     * the same node, established before the end was recorded) stays, and so does the device's
     * route. Each device's check and removal is one atomic step; the batch is one round trip
     * where the backend can.
     */
    void clearEnded(Map<String, Instant> endedAt, String nodeId) throws StorageException;

    /** Whether the backend answers (for {@code /readyz}). */
    boolean ping();
}
