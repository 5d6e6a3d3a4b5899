package io.commucat.ccp.server.cluster;

import io.commucat.ccp.server.logging.ThrottledWarning;
import io.commucat.ccp.server.relay.Delivery;
import io.commucat.ccp.server.storage.Bus;
import io.commucat.ccp.server.storage.Presence;
import io.commucat.ccp.server.storage.StorageException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends to other nodes what belongs there, by the device → node routes in presence. Blocking
 * (Presence and Bus calls): storage executor only. Thread-safe.
 */
public final class Router {

    private static final Logger LOG = LoggerFactory.getLogger(Router.class);
    /** Per message while Redis is away: throttled, or the node would spend itself logging. */
    private static final ThrottledWarning PUBLISH_FAILED = new ThrottledWarning(LOG);

    private final Presence presence;
    private final Bus bus;
    private final String nodeId;

    public Router(Presence presence, Bus bus, String nodeId) {
        this.presence = Objects.requireNonNull(presence, "presence");
        this.bus = Objects.requireNonNull(bus, "bus");
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    }

    /**
     * Publishes each delivery whose recipient is routed to another node to that node.
     *
     * @return the deliveries for this node: routed here, or to no node (a durable one then
     *     waits in the inbox, and trying the local registry costs nothing)
     */
    public List<Delivery> forward(List<Delivery> deliveries) {
        if (deliveries.isEmpty()) {
            return deliveries;
        }
        List<Delivery> local = new ArrayList<>(deliveries.size());
        Map<String, Optional<String>> routes = routes(deliveries);
        for (Delivery delivery : deliveries) {
            Optional<String> route = routes.getOrDefault(delivery.recipient(), Optional.empty());
            if (route.isEmpty() || route.get().equals(nodeId)) {
                local.add(delivery);
            } else {
                publish(route.get(), new ClusterMessage.Deliver(delivery));
            }
        }
        return local;
    }

    /**
     * A session of {@code deviceId} established here at {@code since} took the device's route
     * from {@code previousNode}: when that is another node, it is told. There the device's
     * session ends if it is older; if it is newer (this bootstrap finished after the device had
     * given up on it and connected there), that session takes the route back and reads its
     * inbox again, since frames routed here meanwhile never reached it. Call after taking the
     * route, so that the route written back there is the last one.
     */
    public void announceSession(String deviceId, String previousNode, Instant since) {
        if (!previousNode.equals(nodeId)) {
            publish(previousNode, new ClusterMessage.Replace(deviceId, since));
        }
    }

    /** The recipients' routes in one round trip; none on failure (durable frames wait in the inbox). */
    private Map<String, Optional<String>> routes(List<Delivery> deliveries) {
        Set<String> recipients = new LinkedHashSet<>();
        deliveries.forEach(d -> recipients.add(d.recipient()));
        try {
            return presence.routes(recipients);
        } catch (StorageException e) {
            LOG.warn("route lookup for {} recipients failed: {}", recipients.size(), e.kind());
            return Map.of();
        }
    }

    private void publish(String node, ClusterMessage message) {
        try {
            bus.publish(node, ClusterMessage.encode(message));
        } catch (StorageException e) {
            // At most once by design: a durable frame is in the inbox and arrives on reconnect.
            PUBLISH_FAILED.warn("bus publish to {} failed: {}", node, e.getMessage());
        }
    }
}
