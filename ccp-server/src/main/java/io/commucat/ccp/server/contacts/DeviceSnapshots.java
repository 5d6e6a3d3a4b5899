package io.commucat.ccp.server.contacts;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.commucat.ccp.server.http.rest.Json;
import io.commucat.ccp.server.storage.Device;
import io.commucat.ccp.server.storage.Directory;
import io.commucat.ccp.server.storage.StorageException;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A user's devices as a friend sees them (the original's {@code FriendDeviceSnapshot}): every
 * device, revoked ones included so a client can drop them, oldest first. Blocking. Thread-safe.
 */
final class DeviceSnapshots {

    private final Directory directory;

    DeviceSnapshots(Directory directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
    }

    /** {@code [{"device_id","public_key","status","created_at","last_rotated_at"?}]}. */
    ArrayNode of(String userId) throws StorageException {
        ArrayNode devices = Json.mapper().createArrayNode();
        Map<String, Instant> rotations = directory.lastRotations(userId);
        for (Device device : directory.listDevices(userId)) {
            ObjectNode snapshot = devices.addObject();
            snapshot.put("device_id", device.id());
            snapshot.put("public_key", device.publicKey());
            snapshot.put("status", device.status().label());
            snapshot.put("created_at", device.createdAt().toString());
            Instant rotated = rotations.get(device.id());
            if (rotated != null) {
                snapshot.put("last_rotated_at", rotated.toString());
            }
        }
        return devices;
    }
}
