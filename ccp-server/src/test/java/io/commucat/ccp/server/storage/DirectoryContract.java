package io.commucat.ccp.server.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Directory} must do. Implementations' tests provide a directory over an
 * empty store for each test. Instants here have microsecond precision, which every backend
 * keeps exactly.
 */
public interface DirectoryContract {

    Instant T0 = Instant.parse("2026-03-01T10:15:30.123456Z");
    String KEY = "a".repeat(64);

    Directory directory();

    static String id(String kind) {
        return kind + "-" + UUID.randomUUID();
    }

    default User newUser() throws StorageException {
        String id = id("user");
        return directory().createUser(new User(id, "handle-" + id, "Display " + id, null, T0));
    }

    static Device device(String userId) {
        return device(id("device"), userId, DeviceStatus.ACTIVE);
    }

    static Device device(String deviceId, String userId, DeviceStatus status) {
        return new Device(deviceId, userId, KEY, status, T0, null, null);
    }

    static DeviceKeyEvent registration(Device device) {
        return new DeviceKeyEvent(id("event"), device.id(), "register", device.publicKey(), device.createdAt());
    }

    default void register(Device device, int limit) throws StorageException {
        directory().registerDevice(device, registration(device), limit);
    }

    @Test
    default void createdUserIsFoundById() throws Exception {
        User user = new User(id("user"), "alice-" + UUID.randomUUID(), "Alice", "https://example.org/a.png", T0);
        directory().createUser(user);

        assertEquals(Optional.of(user), directory().findUser(user.id()));
    }

    @Test
    default void createdUserIsFoundByHandle() throws Exception {
        User user = newUser();

        assertEquals(Optional.of(user), directory().findUserByHandle(user.handle()));
    }

    @Test
    default void createUserReturnsTheStoredUser() throws Exception {
        User user = new User(id("user"), "h-" + UUID.randomUUID(), null, null, T0);

        assertEquals(user, directory().createUser(user));
    }

    @Test
    default void unknownUserIsNotFound() throws Exception {
        assertEquals(Optional.empty(), directory().findUser(id("user")));
        assertEquals(Optional.empty(), directory().findUserByHandle("nobody-" + UUID.randomUUID()));
    }

    @Test
    default void takenHandleIsConflict() throws Exception {
        User first = newUser();
        User second = new User(id("user"), first.handle(), null, null, T0);

        StorageException e = assertThrows(StorageException.class, () -> directory().createUser(second));
        assertEquals(StorageException.Kind.CONFLICT, e.kind());
        assertEquals(Optional.empty(), directory().findUser(second.id()));
    }

    @Test
    default void takenUserIdIsConflict() throws Exception {
        User first = newUser();
        User second = new User(first.id(), "other-" + UUID.randomUUID(), null, null, T0);

        StorageException e = assertThrows(StorageException.class, () -> directory().createUser(second));
        assertEquals(StorageException.Kind.CONFLICT, e.kind());
    }

    @Test
    default void updateProfileSetsBothFields() throws Exception {
        User user = newUser();

        directory().updateProfile(user.id(), "New name", "https://example.org/new.png");

        User updated = directory().findUser(user.id()).orElseThrow();
        assertEquals("New name", updated.displayName());
        assertEquals("https://example.org/new.png", updated.avatarUrl());
    }

    @Test
    default void updateProfileWithNullKeepsThatField() throws Exception {
        User user = newUser();
        directory().updateProfile(user.id(), null, "https://example.org/1.png");

        directory().updateProfile(user.id(), "Renamed", null);

        User updated = directory().findUser(user.id()).orElseThrow();
        assertEquals("Renamed", updated.displayName());
        assertEquals("https://example.org/1.png", updated.avatarUrl());
    }

    @Test
    default void updateProfileWithOnlyNullsChangesNothing() throws Exception {
        User user = newUser();

        directory().updateProfile(user.id(), null, null);

        assertEquals(Optional.of(user), directory().findUser(user.id()));
    }

    @Test
    default void registeredDeviceIsFound() throws Exception {
        User user = newUser();
        Device device = new Device(id("device"), user.id(), KEY, DeviceStatus.ACTIVE, T0, "Phone", T0.plusSeconds(5));

        register(device, 5);

        assertEquals(Optional.of(device), directory().findDevice(device.id()));
    }

    @Test
    default void registeredDeviceWithoutNameOrLastSeenIsFound() throws Exception {
        Device device = device(newUser().id());

        register(device, 5);

        assertEquals(Optional.of(device), directory().findDevice(device.id()));
    }

    @Test
    default void unknownDeviceIsNotFound() throws Exception {
        assertEquals(Optional.empty(), directory().findDevice(id("device")));
    }

    @Test
    default void registeredDeviceIsFoundWithItsOwner() throws Exception {
        User user = newUser();
        Device device = device(user.id());
        register(device, 5);

        assertEquals(Optional.of(new DeviceOwner(device, Optional.of(user))),
                directory().findDeviceWithOwner(device.id()));
    }

    @Test
    default void unknownDeviceIsNotFoundWithAnOwner() throws Exception {
        assertEquals(Optional.empty(), directory().findDeviceWithOwner(id("device")));
    }

    @Test
    default void countActiveDevicesIgnoresRevokedAndOtherUsers() throws Exception {
        User user = newUser();
        User other = newUser();
        register(device(user.id()), 0);
        register(device(user.id()), 0);
        register(device(id("device"), user.id(), DeviceStatus.REVOKED), 0);
        register(device(other.id()), 0);

        assertEquals(2, directory().countActiveDevices(user.id()));
    }

    @Test
    default void countActiveDevicesOfUserWithoutDevicesIsZero() throws Exception {
        assertEquals(0, directory().countActiveDevices(newUser().id()));
    }

    @Test
    default void registrationAtTheLimitIsLimitReached() throws Exception {
        User user = newUser();
        register(device(user.id()), 2);
        register(device(user.id()), 2);
        Device third = device(user.id());

        StorageException e = assertThrows(StorageException.class, () -> register(third, 2));
        assertEquals(StorageException.Kind.LIMIT_REACHED, e.kind());
    }

    @Test
    default void refusedRegistrationStoresNothing() throws Exception {
        User user = newUser();
        register(device(user.id()), 1);
        Device refused = device(user.id());

        assertThrows(StorageException.class, () -> register(refused, 1));

        assertEquals(Optional.empty(), directory().findDevice(refused.id()));
        assertEquals(1, directory().countActiveDevices(user.id()));
    }

    @Test
    default void limitZeroMeansNoLimit() throws Exception {
        User user = newUser();
        for (int i = 0; i < 7; i++) {
            register(device(user.id()), 0);
        }

        assertEquals(7, directory().countActiveDevices(user.id()));
    }

    @Test
    default void revokedDevicesDoNotCountTowardsTheLimit() throws Exception {
        User user = newUser();
        register(device(id("device"), user.id(), DeviceStatus.REVOKED), 0);

        register(device(user.id()), 1);

        assertEquals(1, directory().countActiveDevices(user.id()));
    }

    @Test
    default void racingRegistrationsCannotPassTheLimit() throws Exception {
        User user = newUser();
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<StorageException.Kind>> outcomes = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Device device = device(user.id());
                Callable<StorageException.Kind> attempt = () -> {
                    start.await();
                    try {
                        register(device, 1);
                        return null;
                    } catch (StorageException e) {
                        return e.kind();
                    }
                };
                outcomes.add(pool.submit(attempt));
            }
            start.countDown();
            int won = 0;
            for (Future<StorageException.Kind> outcome : outcomes) {
                StorageException.Kind kind = outcome.get();
                if (kind == null) {
                    won++;
                } else {
                    assertEquals(StorageException.Kind.LIMIT_REACHED, kind);
                }
            }
            assertEquals(1, won);
            assertEquals(1, directory().countActiveDevices(user.id()));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    default void takenDeviceIdIsConflict() throws Exception {
        User user = newUser();
        Device device = device(user.id());
        register(device, 0);
        Device again = device(device.id(), user.id(), DeviceStatus.ACTIVE);

        StorageException e = assertThrows(StorageException.class, () -> register(again, 0));
        assertEquals(StorageException.Kind.CONFLICT, e.kind());
    }

    @Test
    default void touchDeviceSetsLastSeen() throws Exception {
        Device device = device(newUser().id());
        register(device, 0);
        Instant seen = T0.plusSeconds(3600);

        directory().touchDevice(device.id(), seen);

        assertEquals(seen, directory().findDevice(device.id()).orElseThrow().lastSeen());
    }

    @Test
    default void touchDevicesSetsLastSeenOfEveryDeviceInOneCall() throws Exception {
        String userId = newUser().id();
        Map<String, Instant> seen = new HashMap<>();
        for (int i = 0; i < 5; i++) {
            Device device = device(userId);
            register(device, 0);
            seen.put(device.id(), T0.plusSeconds(60L * i));
        }

        directory().touchDevices(seen);

        for (Map.Entry<String, Instant> device : seen.entrySet()) {
            assertEquals(device.getValue(), directory().findDevice(device.getKey()).orElseThrow().lastSeen());
        }
    }

    @Test
    default void touchDevicesNeverMovesLastSeenBack() throws Exception {
        Device device = device(newUser().id());
        register(device, 0);
        Instant later = T0.plusSeconds(3600);
        directory().touchDevice(device.id(), later);

        // A batch that reaches the store after a newer session of the device set a later time.
        directory().touchDevices(Map.of(device.id(), T0.plusSeconds(1800)));

        assertEquals(later, directory().findDevice(device.id()).orElseThrow().lastSeen());
    }

    @Test
    default void touchDevicesSkipsUnknownDevices() throws Exception {
        Device device = device(newUser().id());
        register(device, 0);
        Instant seen = T0.plusSeconds(60);

        directory().touchDevices(Map.of(id("device"), seen, device.id(), seen));

        assertEquals(seen, directory().findDevice(device.id()).orElseThrow().lastSeen());
    }

    @Test
    default void touchDevicesOfNothingIsHarmless() throws Exception {
        directory().touchDevices(Map.of());
    }

    @Test
    default void certificateSerialsIncrease() throws Exception {
        long previous = directory().nextCertificateSerial();
        for (int i = 0; i < 20; i++) {
            long next = directory().nextCertificateSerial();
            assertTrue(Long.compareUnsigned(next, previous) > 0, next + " after " + previous);
            previous = next;
        }
    }

    @Test
    default void racingCallersGetDistinctSerials() throws Exception {
        int threads = 4;
        int each = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<Long>>> batches = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                batches.add(pool.submit(() -> {
                    List<Long> serials = new ArrayList<>();
                    for (int i = 0; i < each; i++) {
                        serials.add(directory().nextCertificateSerial());
                    }
                    return serials;
                }));
            }
            Set<Long> all = new HashSet<>();
            for (Future<List<Long>> batch : batches) {
                all.addAll(batch.get());
            }
            assertEquals(threads * each, all.size());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    default void certificateIsRecorded() throws Exception {
        Device device = device(newUser().id());
        register(device, 0);

        directory().recordCertificate(new IssuedCertificate(directory().nextCertificateSerial(), device.id(),
                device.userId(), device.publicKey(), T0, T0.plusSeconds(86_400)));
    }

    @Test
    default void certificateWithSerialAboveSignedRangeIsRecorded() throws Exception {
        directory().recordCertificate(new IssuedCertificate(-1L, id("device"), id("user"), KEY, T0, T0));
        directory().recordCertificate(new IssuedCertificate(Long.MIN_VALUE, id("device"), id("user"), KEY, T0, T0));
    }

    @Test
    default void listDevicesReturnsTheUsersDevicesOldestFirst() throws Exception {
        User user = newUser();
        User other = newUser();
        Device first = new Device(id("device"), user.id(), KEY, DeviceStatus.ACTIVE, T0, "phone", null);
        Device second = new Device(id("device"), user.id(), KEY, DeviceStatus.REVOKED, T0.plusSeconds(5), null, null);
        register(second, 0);
        register(first, 0);
        register(device(other.id()), 0);

        assertEquals(List.of(first, second), directory().listDevices(user.id()));
    }

    @Test
    default void listDevicesOfUserWithoutDevicesIsEmpty() throws Exception {
        assertEquals(List.of(), directory().listDevices(newUser().id()));
    }

    @Test
    default void revokeDeviceMakesItRevokedOnce() throws Exception {
        Device device = device(newUser().id());
        register(device, 0);

        assertTrue(directory().revokeDevice(device.id()));
        assertEquals(DeviceStatus.REVOKED, directory().findDevice(device.id()).orElseThrow().status());
        assertEquals(false, directory().revokeDevice(device.id()));
        assertEquals(false, directory().revokeDevice(id("device")));
    }

    @Test
    default void rotateDeviceKeyReplacesTheKeyAndRecordsTheEvent() throws Exception {
        Device device = device(newUser().id());
        register(device, 0);
        String newKey = "b".repeat(64);
        DeviceKeyEvent rotation = new DeviceKeyEvent(id("event"), device.id(), "rotate", newKey, T0.plusSeconds(60));

        directory().rotateDeviceKey(device.id(), KEY, rotation);

        assertEquals(newKey, directory().findDevice(device.id()).orElseThrow().publicKey());
        assertEquals(Optional.of(rotation), directory().lastKeyEvent(device.id()));
    }

    @Test
    default void rotateDeviceKeyFromAStaleKeyIsConflictAndChangesNothing() throws Exception {
        Device device = device(newUser().id());
        register(device, 0);
        DeviceKeyEvent rotation = new DeviceKeyEvent(id("event"), device.id(), "rotate", "b".repeat(64), T0.plusSeconds(60));

        StorageException e = assertThrows(StorageException.class,
                () -> directory().rotateDeviceKey(device.id(), "c".repeat(64), rotation));

        assertEquals(StorageException.Kind.CONFLICT, e.kind());
        assertEquals(KEY, directory().findDevice(device.id()).orElseThrow().publicKey());
        assertEquals("register", directory().lastKeyEvent(device.id()).orElseThrow().kind());
    }

    @Test
    default void rotateDeviceKeyOfRevokedDeviceIsConflict() throws Exception {
        Device device = device(newUser().id());
        register(device, 0);
        directory().revokeDevice(device.id());

        StorageException e = assertThrows(StorageException.class, () -> directory().rotateDeviceKey(device.id(), KEY,
                new DeviceKeyEvent(id("event"), device.id(), "rotate", "b".repeat(64), T0)));

        assertEquals(StorageException.Kind.CONFLICT, e.kind());
    }

    @Test
    default void lastKeyEventOfUnknownDeviceIsEmpty() throws Exception {
        assertEquals(Optional.empty(), directory().lastKeyEvent(id("device")));
    }

    @Test
    default void lastRotationsNameEachRotatedDeviceOfTheUserWithItsNewestRotation() throws Exception {
        User user = newUser();
        Device rotated = device(user.id());
        Device untouched = device(user.id());
        Device otherUsers = device(newUser().id());
        for (Device d : List.of(rotated, untouched, otherUsers)) {
            register(d, 0);
        }
        directory().rotateDeviceKey(rotated.id(), KEY,
                new DeviceKeyEvent(id("event"), rotated.id(), "rotate", "b".repeat(64), T0.plusSeconds(60)));
        directory().rotateDeviceKey(rotated.id(), "b".repeat(64),
                new DeviceKeyEvent(id("event"), rotated.id(), "rotate", "c".repeat(64), T0.plusSeconds(120)));
        directory().rotateDeviceKey(otherUsers.id(), KEY,
                new DeviceKeyEvent(id("event"), otherUsers.id(), "rotate", "b".repeat(64), T0.plusSeconds(60)));

        assertEquals(java.util.Map.of(rotated.id(), T0.plusSeconds(120)), directory().lastRotations(user.id()));
    }
}
