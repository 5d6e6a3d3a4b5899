package io.commucat.ccp.server.contacts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.commucat.ccp.server.storage.Device;
import io.commucat.ccp.server.storage.DeviceKeyEvent;
import io.commucat.ccp.server.storage.DeviceStatus;
import io.commucat.ccp.server.storage.User;
import io.commucat.ccp.server.storage.jdbc.JdbcDirectory;
import io.commucat.ccp.server.storage.jdbc.JdbcStoreExtension;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A friend's devices as the original's snapshots, on the embedded database. */
class DeviceSnapshotsTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:15:30.123456Z");

    @TempDir
    static Path tempDir;

    @RegisterExtension
    static final JdbcStoreExtension DATABASE = JdbcStoreExtension.h2(() -> tempDir);

    private JdbcDirectory directory() {
        return DATABASE.store().directory();
    }

    private void register(String deviceId, String userId, Instant at) throws Exception {
        String key = "a".repeat(64);
        directory().registerDevice(new Device(deviceId, userId, key, DeviceStatus.ACTIVE, at, null, null),
                new DeviceKeyEvent("reg-" + deviceId, deviceId, "register", key, at), 0);
    }

    @Test
    void devicesAreListedOldestFirstWithTheirStatusAndOnlyARotationDatesThem() throws Exception {
        directory().createUser(new User("u-1", "alice", null, null, T0));
        register("d-old", "u-1", T0);
        register("d-new", "u-1", T0.plusSeconds(10));
        directory().rotateDeviceKey("d-old", "a".repeat(64),
                new DeviceKeyEvent("rot-1", "d-old", "rotate", "b".repeat(64), T0.plusSeconds(20)));
        directory().revokeDevice("d-new");

        JsonNode devices = new DeviceSnapshots(directory()).of("u-1");

        assertEquals(2, devices.size());
        JsonNode old = devices.get(0);
        assertEquals("d-old", old.path("device_id").asText());
        assertEquals("b".repeat(64), old.path("public_key").asText());
        assertEquals("active", old.path("status").asText());
        assertEquals(T0.toString(), old.path("created_at").asText());
        assertEquals(T0.plusSeconds(20).toString(), old.path("last_rotated_at").asText());
        JsonNode revoked = devices.get(1);
        assertEquals("revoked", revoked.path("status").asText());
        assertFalse(revoked.has("last_rotated_at"), "a registration is not a rotation");
    }

    @Test
    void aUserWithoutDevicesHasAnEmptyList() throws Exception {
        assertEquals(0, new DeviceSnapshots(directory()).of("nobody").size());
    }
}
