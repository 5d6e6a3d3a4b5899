package io.commucat.ccp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.client.CcpClient;
import io.commucat.ccp.client.CcpException;
import io.commucat.ccp.client.DeviceInfo;
import io.commucat.ccp.client.Enrolment;
import io.commucat.ccp.client.PairingCode;
import io.commucat.ccp.crypto.Hex;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link CcpClient}'s enrolment against a real node on the embedded default, over TLS 1.3 and HTTP/2. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class CcpClientEnrolmentTest {

    @TempDir
    static Path dir;

    private TestServer server;

    @BeforeAll
    void startNode() throws Exception {
        server = TestServer.start(dir, Map.of("CCP_ROTATION_DEVICE_MIN_INTERVAL", "0"));
    }

    @AfterAll
    void stopNode() {
        if (server != null) {
            server.close();
        }
    }

    private CcpClient client(String identity) {
        return server.client(identity);
    }

    private static String handle() {
        return "user-" + System.nanoTime();
    }

    private static CcpException failure(CompletableFuture<?> future) {
        CompletionException e = assertThrows(CompletionException.class, future::join);
        assertTrue(e.getCause() instanceof CcpException, String.valueOf(e.getCause()));
        return (CcpException) e.getCause();
    }

    @Test
    void aRegisteredDeviceIssuesACodeAndASecondDevicePairsWithItsOwnKey() throws Exception {
        try (CcpClient phone = client("phone.json"); CcpClient laptop = client("laptop.json")) {
            Enrolment first = phone.register(handle()).join();
            assertEquals("rw-------", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(dir.resolve("phone.json"))));

            PairingCode code = phone.issuePairingCode().join();
            Enrolment second = laptop.pair(code.code()).join();

            assertEquals(first.userId(), second.userId());
            List<DeviceInfo> devices = laptop.devices().join();
            assertEquals(2, devices.size());
            DeviceInfo current = devices.stream().filter(DeviceInfo::current).findFirst().orElseThrow();
            assertEquals(second.deviceId(), current.deviceId());
            assertFalse(code.toString().contains(code.code()), "a code never shows in toString");
        }
    }

    @Test
    void aRotatedKeyIsStoredAndUsedForTheNextSession() throws Exception {
        try (CcpClient phone = client("rotating.json")) {
            phone.register(handle()).join();
            byte[] before = phone.identity().join().orElseThrow().device().deviceKey().publicKey();

            phone.rotateKey().join();

            byte[] after = phone.identity().join().orElseThrow().device().deviceKey().publicKey();
            assertNotEquals(Hex.encode(before), Hex.encode(after));
            assertEquals(1, phone.devices().join().size(), "a new session with the new key works");
        }
    }

    @Test
    void aRevokedDevicesRequestsAreRefusedWithTheServersProblem() throws Exception {
        try (CcpClient phone = client("owner.json"); CcpClient tablet = client("tablet.json")) {
            phone.register(handle()).join();
            Enrolment paired = tablet.pair(phone.issuePairingCode().join().code()).join();
            tablet.devices().join(); // the tablet holds a session and its token

            phone.revoke(paired.deviceId()).join();

            CcpException refused = failure(tablet.devices());
            assertEquals(CcpException.Kind.REFUSED, refused.kind());
            assertEquals(403, refused.status());
            assertEquals(Optional.of("Forbidden"), refused.title());
        }
    }

    @Test
    void aRevokedDeviceCannotStartANewSession() {
        try (CcpClient phone = client("owner2.json"); CcpClient tablet = client("tablet2.json")) {
            phone.register(handle()).join();
            Enrolment paired = tablet.pair(phone.issuePairingCode().join().code()).join();

            phone.revoke(paired.deviceId()).join();

            CcpException refused = failure(tablet.devices());
            assertEquals(CcpException.Kind.HANDSHAKE, refused.kind());
            assertTrue(refused.getMessage().contains("not active"), refused.getMessage());
        }
    }

    @Test
    void anUnknownCodeIsRefusedAndStoresNothing() {
        try (CcpClient stranger = client("stranger.json")) {
            CcpException refused = failure(stranger.pair("ABCD-2345"));

            assertEquals(404, refused.status());
            assertTrue(refused.detail().orElse("").contains("unknown"), refused.getMessage());
            assertFalse(Files.exists(dir.resolve("stranger.json")));
        }
    }

    @Test
    void anOperationWithoutAStoredIdentityFailsAsNoIdentity() {
        try (CcpClient nobody = client("nobody.json")) {
            assertEquals(CcpException.Kind.NO_IDENTITY, failure(nobody.devices()).kind());
        }
    }

    @Test
    void registeringOverAStoredIdentityIsRefusedLocally() {
        try (CcpClient twice = client("twice.json")) {
            twice.register(handle()).join();

            assertEquals(CcpException.Kind.STORE, failure(twice.register(handle())).kind());
        }
    }

    @Test
    void registeringUnderAnExistingUsersHandleNeedsPairing() {
        String handle = handle();
        try (CcpClient first = client("first.json"); CcpClient second = client("second.json")) {
            first.register(handle).join();

            CcpException refused = failure(second.register(handle));

            assertEquals(CcpException.Kind.HANDSHAKE, refused.kind());
            assertTrue(refused.getMessage().contains("pairing"), refused.getMessage());
        }
    }

    @Test
    void aClosedClientFailsAsClosed() {
        CcpClient closed = client("closed.json");
        closed.close();

        assertEquals(CcpException.Kind.CLOSED, failure(closed.devices()).kind());
    }
}
