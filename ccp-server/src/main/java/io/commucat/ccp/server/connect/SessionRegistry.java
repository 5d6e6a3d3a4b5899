package io.commucat.ccp.server.connect;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The established sessions of this node, by device. A device has at most one: a new session
 * replaces the old one, which is closed with an {@code Error} (issue #10). Thread-safe.
 */
public final class SessionRegistry {

    private final ConcurrentHashMap<String, ConnectSession> byDevice = new ConcurrentHashMap<>();

    /** Makes {@code session} the device's session; returns the one it replaces, if any. */
    ConnectSession register(String deviceId, ConnectSession session) {
        return byDevice.put(deviceId, session);
    }

    /**
     * Forgets {@code session} unless a newer one already replaced it.
     *
     * @return whether {@code session} was still the device's session (when not, the device's
     *     presence belongs to the newer session and must be left alone)
     */
    boolean unregister(String deviceId, ConnectSession session) {
        return byDevice.remove(deviceId, session);
    }

    public ConnectSession find(String deviceId) {
        return byDevice.get(deviceId);
    }

    public int size() {
        return byDevice.size();
    }

    /** A snapshot of every established session (for shutdown). */
    public Collection<ConnectSession> all() {
        return List.copyOf(byDevice.values());
    }
}
