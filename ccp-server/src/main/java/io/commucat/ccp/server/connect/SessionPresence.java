package io.commucat.ccp.server.connect;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.commucat.ccp.proto.ControlJson;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.server.logging.ThrottledWarning;
import io.commucat.ccp.server.relay.Delivery;
import io.commucat.ccp.server.storage.PresenceSnapshot;
import io.commucat.ccp.server.storage.StorageException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage side of one session's presence (ccp-1.md §4.3): the snapshot and route this node
 * publishes for the device, and the fan-out of a state change to its channel peers. Clearing
 * them when the session ends is the {@link SessionEndRecorder}'s, in batches. It keeps no state
 * of its own: the session owns the device's current state and passes it in.
 *
 * <p>Threading: {@link #announce} is called on the session's event loop and sends its storage
 * work to the storage executor; every other method blocks on storage and is only ever called
 * on the storage executor.
 */
final class SessionPresence {

    /** The state a session starts in, and the one an unusable requested state falls back to. */
    static final String ONLINE = "online";

    private static final Logger LOG = LoggerFactory.getLogger(SessionPresence.class);
    /** Per session while Redis is away: throttled. */
    private static final ThrottledWarning PRESENCE_FAILED = new ThrottledWarning(LOG);

    private final ConnectServices services;
    private final String deviceId;
    private final String userId;

    SessionPresence(ConnectServices services, String deviceId, String userId) {
        this.services = services;
        this.deviceId = deviceId;
        this.userId = userId;
    }

    /** Off the loop: the device's snapshot and its route to this node, both for the presence TTL. */
    void publish(Instant now, String state) throws StorageException {
        services.presence().publish(new PresenceSnapshot(deviceId, userId, state, services.nodeId(), now),
                services.policy().presenceTtl());
        services.presence().setRoute(deviceId, services.nodeId(), services.policy().presenceTtl());
    }

    /**
     * Off the loop, when the session is established: like {@link #publish}, and returns the node
     * the device's route named before (absent: none), which has to hear of this session.
     */
    Optional<String> takeOver(Instant now, String state) throws StorageException {
        // One round trip for both writes (a pipeline on Redis).
        return services.presence().takeRoutes(
                        List.of(new PresenceSnapshot(deviceId, userId, state, services.nodeId(), now)),
                        services.policy().presenceTtl())
                .getOrDefault(deviceId, Optional.empty());
    }

    /**
     * On the loop: publishes {@code state} and announces it to every channel peer, on this node
     * or another; no Ack (§4.3). Dropped with a warning when the storage executor is saturated.
     */
    void announce(Instant now, String state) {
        ObjectNode body = ControlJson.object();
        body.put("device", deviceId);
        body.put("user_id", userId);
        body.put("state", state);
        Frame announcement = Frame.control(FrameType.PRESENCE, 0, 0, body);
        try {
            CompletableFuture.supplyAsync(() -> {
                try {
                    publish(now, state);
                    List<Delivery> announcements = new ArrayList<>();
                    services.relay().peers(deviceId)
                            .forEach(peer -> announcements.add(new Delivery(peer, announcement, 0)));
                    return services.router().forward(announcements);
                } catch (StorageException e) {
                    throw new CompletionException(e);
                }
            }, services.storageExecutor()).whenComplete((local, error) -> {
                if (error != null) {
                    PRESENCE_FAILED.warn("presence update failed for {}: {}", deviceId, error.toString());
                    return;
                }
                local.forEach(services.registry()::deliver);
            });
        } catch (RejectedExecutionException e) {
            LOG.warn("storage executor saturated; presence of {} not published", deviceId);
        }
    }
}
