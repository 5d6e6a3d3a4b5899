package io.commucat.ccp.server.storage.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.commucat.ccp.server.storage.Device;
import io.commucat.ccp.server.storage.DirectoryContract;
import io.commucat.ccp.server.storage.IssuedCertificate;
import io.commucat.ccp.server.storage.SessionRecord;
import io.commucat.ccp.server.storage.StorageException;
import io.commucat.ccp.server.storage.User;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The {@link DirectoryContract} plus what only the SQL directory offers or promises. */
interface JdbcDirectoryContract extends DirectoryContract {

    @Override
    JdbcDirectory directory();

    /** The sessions of the same store (a session's start also marks its device seen). */
    JdbcSessions sessions();

    @Test
    default void startingASessionMarksItsDeviceSeenWhenTheSessionWasCreated() throws Exception {
        Device device = DirectoryContract.device(newUser().id());
        register(device, 0);
        Instant created = T0.plusSeconds(90);

        sessions().start(new SessionRecord("hash-" + device.id(), device.id(), device.userId(), created,
                created.plusSeconds(60), "node-a"));

        assertEquals(created, directory().findDevice(device.id()).orElseThrow().lastSeen());
    }

    @Test
    default void aSessionThatCannotStartLeavesItsDeviceUnseen() throws Exception {
        Device device = DirectoryContract.device(newUser().id());
        register(device, 0);
        SessionRecord first = new SessionRecord("hash-" + device.id(), device.id(), device.userId(), T0,
                T0.plusSeconds(60), "node-a");
        sessions().create(first);

        SessionRecord clash = new SessionRecord(first.tokenHash(), device.id(), device.userId(), T0.plusSeconds(5),
                T0.plusSeconds(65), "node-a");
        assertThrows(StorageException.class, () -> sessions().start(clash));

        assertEquals(null, directory().findDevice(device.id()).orElseThrow().lastSeen());
    }

    /** More devices than one statement binds (see JdbcDirectory.MAX_TOUCH_BATCH): every one still counts. */
    @Test
    default void touchDevicesOfManyDevicesSetsEachOnesLastSeen() throws Exception {
        User user = newUser();
        java.util.Map<String, Instant> seen = new java.util.HashMap<>();
        for (int i = 0; i < JdbcDirectory.MAX_TOUCH_BATCH + 100; i++) {
            Device device = DirectoryContract.device(user.id());
            register(device, 0);
            seen.put(device.id(), T0.plusMillis(i));
        }
        seen.put(DirectoryContract.id("device"), T0);

        directory().touchDevices(seen);

        List<Device> devices = directory().listDevices(user.id());
        assertEquals(JdbcDirectory.MAX_TOUCH_BATCH + 100, devices.size());
        for (Device device : devices) {
            assertEquals(seen.get(device.id()), device.lastSeen(), device.id());
        }
    }

    /** The keepalive round's backstop for a revocation whose broadcast a node missed. */
    @Test
    default void refreshAllLeavesTheSessionsOfARevokedDeviceAndReportsThem() throws Exception {
        User user = newUser();
        Device kept = DirectoryContract.device(user.id());
        Device revoked = DirectoryContract.device(user.id());
        register(kept, 0);
        register(revoked, 0);
        SessionRecord live = new SessionRecord("hash-" + kept.id(), kept.id(), user.id(), T0, T0.plusSeconds(60),
                "node-a");
        SessionRecord ended = new SessionRecord("hash-" + revoked.id(), revoked.id(), user.id(), T0,
                T0.plusSeconds(60), "node-a");
        sessions().create(live);
        sessions().create(ended);
        directory().revokeDevice(revoked.id());
        Instant later = T0.plusSeconds(600);

        assertEquals(Set.of(ended.tokenHash()), sessions().refreshAll(List.of(live.tokenHash(), ended.tokenHash()), later));

        assertEquals(later, sessions().find(live.tokenHash(), T0).orElseThrow().expiresAt());
        assertEquals(T0.plusSeconds(60), sessions().find(ended.tokenHash(), T0).orElseThrow().expiresAt());
    }

    @Test
    default void certificateSerialsRoundTripAsUnsigned64Bit() throws Exception {
        for (long serial : new long[] {0L, 1L, Long.MAX_VALUE, Long.MIN_VALUE, -2L, -1L}) {
            IssuedCertificate certificate = new IssuedCertificate(serial, DirectoryContract.id("device"),
                    DirectoryContract.id("user"), KEY, T0, T0.plusSeconds(60));
            directory().recordCertificate(certificate);

            assertEquals(Optional.of(certificate), directory().findCertificate(serial), Long.toUnsignedString(serial));
        }
    }

    @Test
    default void unknownCertificateIsNotFound() throws Exception {
        assertEquals(Optional.empty(), directory().findCertificate(-1L));
    }

    @Test
    default void recordingTheSameSerialTwiceIsConflict() throws Exception {
        IssuedCertificate certificate = new IssuedCertificate(directory().nextCertificateSerial(), "device-1", "user-1",
                KEY, T0, T0);
        directory().recordCertificate(certificate);

        StorageException e = assertThrows(StorageException.class, () -> directory().recordCertificate(certificate));
        assertEquals(StorageException.Kind.CONFLICT, e.kind());
    }

    @Test
    default void instantsAreTruncatedToMicroseconds() throws Exception {
        Instant precise = Instant.parse("2026-03-01T10:15:30.123456789Z");
        User user = new User(DirectoryContract.id("user"), "precise-" + DirectoryContract.id("h"), null, null, precise);

        User created = directory().createUser(user);

        Instant truncated = precise.truncatedTo(ChronoUnit.MICROS);
        assertEquals(truncated, created.createdAt());
        assertEquals(truncated, directory().findUser(user.id()).orElseThrow().createdAt());
    }

    @Test
    default void registrationForUnknownUserIsConflict() throws Exception {
        Device device = DirectoryContract.device(DirectoryContract.id("missing-user"));

        StorageException e = assertThrows(StorageException.class, () -> register(device, 0));
        assertEquals(StorageException.Kind.CONFLICT, e.kind());
    }
}
