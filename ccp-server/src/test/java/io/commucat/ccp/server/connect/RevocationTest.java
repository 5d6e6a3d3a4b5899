package io.commucat.ccp.server.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.client.handshake.UserHints;
import io.commucat.ccp.crypto.noise.NoisePattern;
import io.commucat.ccp.proto.ControlJson;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.server.cluster.ClusterLink;
import io.commucat.ccp.server.cluster.ClusterMessage;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A revoked device's session ends at once with {@code Error revoked}, also one still being established. */
class RevocationTest {

    @TempDir
    Path dir;

    private ConnectFixture f;

    @BeforeEach
    void start() throws Exception {
        f = new ConnectFixture(dir, ConnectFixture.PolicyChange.NONE);
    }

    @AfterEach
    void close() throws Exception {
        f.close();
    }

    private static void assertRevokedError(List<Frame> frames) {
        Frame notice = frames.get(0);
        assertEquals(FrameType.ERROR, notice.type());
        assertEquals(0, notice.channelId());
        assertEquals("revoked", notice.control().text("error"));
        assertEquals("device revoked", notice.control().text("detail"));
    }

    private void awaitPresenceCleared(String deviceId) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (f.presence.find(deviceId).isPresent() || f.presence.route(deviceId).isPresent()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("presence of " + deviceId + " not cleared");
            }
            Thread.sleep(5);
        }
    }

    @Test
    void anEstablishedSessionGetsTheRevokedErrorAndEnds() throws Exception {
        TestDevice device = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice"));
        ConnectFixture.Stream stream = f.open();
        device.bootstrap(stream);

        f.registry.revoke("phone-1");

        assertRevokedError(device.awaitEncrypted(stream));
        stream.awaitWrites(Integer.MAX_VALUE);
        assertEquals(ConnectSession.State.CLOSED, stream.state());
        assertTrue(stream.down.isClosed(), "the stream ends after the notice");
        assertEquals(List.of(SessionEnd.REVOKED), f.endings);
        assertNull(f.registry.find("phone-1"));
        awaitPresenceCleared("phone-1");
    }

    @Test
    void aRevokeFromTheBusEndsTheSession() throws Exception {
        TestDevice device = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice"));
        ConnectFixture.Stream stream = f.open();
        device.bootstrap(stream);

        new ClusterLink(f.registry).accept(ClusterMessage.encode(new ClusterMessage.Revoke("phone-1")));

        assertRevokedError(device.awaitEncrypted(stream));
        stream.awaitWrites(Integer.MAX_VALUE);
        assertEquals(List.of(SessionEnd.REVOKED), f.endings);
    }

    @Test
    void aSessionThatRegistersAfterTheRevocationArrivedEndsAtOnce() throws Exception {
        // Resolved while the device was still active; the revocation found no session to end.
        f.registry.revoke("phone-1");
        TestDevice device = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice"));
        ConnectFixture.Stream stream = f.open();

        device.bootstrap(stream);

        assertRevokedError(device.awaitEncrypted(stream));
        stream.awaitWrites(Integer.MAX_VALUE);
        assertEquals(ConnectSession.State.CLOSED, stream.state());
        assertEquals(List.of(SessionEnd.REVOKED), f.endings);
        assertNull(f.registry.find("phone-1"));
        awaitPresenceCleared("phone-1");
    }

    @Test
    void anotherDevicesRevocationLeavesTheSessionAlone() throws Exception {
        TestDevice device = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice"));
        ConnectFixture.Stream stream = f.open();
        device.bootstrap(stream);

        f.registry.revoke("phone-2");

        // A frame that is answered, to know the revocation was handled before it.
        stream.send(device.seal(Frame.control(FrameType.JOIN, 5, 3, ControlJson.object())));
        Frame answer = device.awaitEncrypted(stream).get(0);
        assertEquals(FrameType.ACK, answer.type(), answer.toString());
        assertEquals(ConnectSession.State.ESTABLISHED, stream.state());
    }

    @Test
    void aRevocationIsRememberedForItsMemoryOnly() {
        AtomicLong nanos = new AtomicLong(1_000);
        SessionRegistry registry = new SessionRegistry(nanos::get);

        registry.revoke("phone-1");
        nanos.addAndGet(SessionRegistry.REVOCATION_MEMORY.toNanos() - 1);
        assertTrue(registry.recentlyRevoked("phone-1"));
        assertFalse(registry.recentlyRevoked("phone-2"));

        nanos.addAndGet(1);
        assertFalse(registry.recentlyRevoked("phone-1"));
    }

    @Test
    void forgottenRevocationsMakeRoomForNewOnes() {
        AtomicLong nanos = new AtomicLong();
        SessionRegistry registry = new SessionRegistry(nanos::get);
        registry.revoke("phone-1");
        nanos.addAndGet(SessionRegistry.REVOCATION_MEMORY.toNanos());

        registry.revoke("phone-2");

        assertEquals(1, registry.rememberedRevocations());
    }
}
