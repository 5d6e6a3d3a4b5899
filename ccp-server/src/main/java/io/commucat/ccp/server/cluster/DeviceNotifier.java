package io.commucat.ccp.server.cluster;

import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.server.connect.SessionRegistry;
import io.commucat.ccp.server.relay.Delivery;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Sends a server-made frame (a {@code KeyUpdate} after a key rotation, a {@code GroupEvent}
 * for a friend request) to devices' open sessions, on whichever node each is connected. Live
 * only: nothing is queued for a device that is not connected, and a bus message lost between
 * nodes is lost (the REST state the frame announces stays readable). Blocking (route lookups):
 * call from the storage executor. Thread-safe.
 */
public final class DeviceNotifier {

    private final Router router;
    private final SessionRegistry registry;

    public DeviceNotifier(Router router, SessionRegistry registry) {
        this.router = Objects.requireNonNull(router, "router");
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** {@code frame} to each of {@code deviceIds} that has an open session somewhere. */
    public void notify(Collection<String> deviceIds, Frame frame) {
        List<Delivery> deliveries = new ArrayList<>(deviceIds.size());
        for (String deviceId : deviceIds) {
            deliveries.add(new Delivery(deviceId, frame, 0));
        }
        for (Delivery local : router.forward(deliveries)) {
            registry.deliver(local);
        }
    }
}
