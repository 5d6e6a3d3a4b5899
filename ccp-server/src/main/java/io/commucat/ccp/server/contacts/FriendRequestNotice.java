package io.commucat.ccp.server.contacts;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.commucat.ccp.proto.ControlJson;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.server.cluster.DeviceNotifier;
import io.commucat.ccp.server.storage.Device;
import io.commucat.ccp.server.storage.Directory;
import io.commucat.ccp.server.storage.FriendRequest;
import io.commucat.ccp.server.storage.StorageException;
import io.commucat.ccp.server.storage.User;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the addressee's connected devices about a new friend request: a {@code GroupEvent} on
 * channel 0 with the original's fields ({@code notify_user_friend_request}): {@code type,
 * request_id, from, user_id, federated, timestamp, handle, display_name?, avatar_url?, message?,
 * target_device}, where {@code user_id}, {@code handle}, {@code display_name} and {@code
 * avatar_url} are the addressee's own, as there. Ours adds {@code from_handle}, the requester's
 * handle, so a client can show who asks without a lookup. Live only; the request stays listed in
 * {@code GET /api/friends/requests}. Blocking (storage, routes). Thread-safe.
 */
final class FriendRequestNotice {

    private static final Logger LOG = LoggerFactory.getLogger(FriendRequestNotice.class);
    /**
     * Always the control channel. The original reuses {@code device_rotation.notify_channel} (0 by
     * default) here; we keep friend notices on 0 whatever rotation notices use.
     */
    private static final long CHANNEL = 0;

    private final Directory directory;
    private final DeviceNotifier notifier;

    FriendRequestNotice(Directory directory, DeviceNotifier notifier) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.notifier = Objects.requireNonNull(notifier, "notifier");
    }

    /** Never fails the request that caused it: a notice that cannot go out is logged. */
    void send(FriendRequest request, User from, User to) {
        List<Device> devices;
        try {
            devices = directory.listDevices(to.id());
        } catch (StorageException e) {
            LOG.warn("friend request {}: addressee's devices not listed, no notice sent: {}", request.id(),
                    e.getMessage());
            return;
        }
        for (Device device : devices) {
            if (!device.active()) {
                continue;
            }
            try {
                notifier.notify(List.of(device.id()), Frame.control(FrameType.GROUP_EVENT, CHANNEL, 0,
                        body(request, from, to, device.id())));
            } catch (RuntimeException e) {
                LOG.warn("friend request {}: notice to a device not sent: {}", request.id(), e.toString());
            }
        }
    }

    static ObjectNode body(FriendRequest request, User from, User to, String targetDevice) {
        ObjectNode body = ControlJson.object();
        body.put("type", "friend_request");
        body.put("request_id", request.id());
        body.put("from", from.id());
        body.put("from_handle", from.handle());
        body.put("user_id", to.id());
        body.put("federated", false);
        body.put("timestamp", request.createdAt().toString());
        body.put("handle", to.handle());
        if (to.displayName() != null) {
            body.put("display_name", to.displayName());
        }
        if (to.avatarUrl() != null) {
            body.put("avatar_url", to.avatarUrl());
        }
        if (request.message() != null) {
            body.put("message", request.message());
        }
        body.put("target_device", targetDevice);
        return body;
    }
}
