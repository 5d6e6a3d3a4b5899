package io.commucat.ccp.server.connect;

import io.commucat.ccp.server.storage.PresenceSnapshot;
import java.time.Instant;

/**
 * What the node's periodic storage work needs of one established session, read off its loop
 * (see {@link ConnectSession#live()}).
 *
 * @param presenceState the device's current state (§4.3)
 * @param tokenHash     its session row's key
 * @param authenticatedAt when its handshake completed; orders it against a session elsewhere
 */
record LiveSession(ConnectSession session, String deviceId, String userId, String presenceState, String tokenHash,
        Instant authenticatedAt) {

    PresenceSnapshot snapshot(String nodeId, Instant now) {
        return new PresenceSnapshot(deviceId, userId, presenceState, nodeId, now);
    }
}
