package io.commucat.ccp.server.connect;

import io.commucat.ccp.server.relay.Delivery;
import java.time.Instant;
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

    /**
     * Hands {@code delivery} to its recipient's session on that session's loop; nothing when the
     * device has no session here (a durable frame waits in the inbox). Never blocks.
     */
    public void deliver(Delivery delivery) {
        ConnectSession target = byDevice.get(delivery.recipient());
        if (target != null) {
            target.onLoop(() -> target.deliver(delivery));
        }
    }

    /**
     * The device connected to another node at {@code since}: its session here ends as replaced,
     * unless it was established after that.
     */
    public void replaceFromAnotherNode(String deviceId, Instant since) {
        ConnectSession target = byDevice.get(deviceId);
        if (target != null) {
            target.onLoop(() -> target.replacedIfOlderThan(since));
        }
    }

    public int size() {
        return byDevice.size();
    }

    /** A snapshot of every established session (for shutdown). */
    public Collection<ConnectSession> all() {
        return List.copyOf(byDevice.values());
    }
}
