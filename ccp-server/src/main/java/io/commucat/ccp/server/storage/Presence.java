package io.commucat.ccp.server.storage;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

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

    /** Whether the backend answers (for {@code /readyz}). */
    boolean ping();
}
