package io.commucat.ccp.server.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.client.handshake.UserHints;
import io.commucat.ccp.crypto.noise.NoisePattern;
import io.commucat.ccp.proto.ControlJson;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.server.cluster.ClusterLink;
import io.commucat.ccp.server.cluster.ClusterMessage;
import io.commucat.ccp.server.cluster.SessionRevoker;
import io.commucat.ccp.server.storage.PresenceSnapshot;
import io.commucat.ccp.server.storage.StorageException;
import io.commucat.ccp.server.storage.embedded.EmbeddedBus;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A revoked device's session ends at once with {@code Error revoked}, also one still being established. */
class RevocationTest extends DefaultConnectFixture {

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

    // ---- SessionRevoker: this node directly, the others by broadcast, presence at once ----

    @Test
    void theRevokerBroadcastsARevokeAndRemovesPresenceThatNamesAnotherNode() throws Exception {
        EmbeddedBus.Hub hub = new EmbeddedBus.Hub();
        LinkedBlockingQueue<ClusterMessage> west = new LinkedBlockingQueue<>();
        new EmbeddedBus(hub).subscribe("west", bytes -> {
            try {
                west.add(ClusterMessage.decode(bytes));
            } catch (ClusterMessage.MalformedException e) {
                throw new AssertionError(e);
            }
        });
        f.presence.publish(new PresenceSnapshot("phone-9", "alice", "online", "west", Instant.now()), Duration.ofMinutes(1));
        f.presence.setRoute("phone-9", "west", Duration.ofMinutes(1));

        new SessionRevoker(f.registry, new EmbeddedBus(hub), f.presence).endSessions("phone-9");

        assertEquals(new ClusterMessage.Revoke("phone-9"), west.poll(5, TimeUnit.SECONDS));
        assertTrue(f.presence.find("phone-9").isEmpty());
        assertTrue(f.presence.route("phone-9").isEmpty());
    }

    @Test
    void aFailedBroadcastIsReportedButTheSessionHereEndsAnyway() throws Exception {
        TestDevice device = new TestDevice(f, "phone-1").start(NoisePattern.XK, UserHints.handle("alice"));
        ConnectFixture.Stream stream = f.open();
        device.bootstrap(stream);
        EmbeddedBus down = new EmbeddedBus();
        down.close();

        assertThrows(StorageException.class,
                () -> new SessionRevoker(f.registry, down, f.presence).endSessions("phone-1"));

        assertRevokedError(device.awaitEncrypted(stream));
        stream.awaitWrites(Integer.MAX_VALUE);
        assertEquals(List.of(SessionEnd.REVOKED), f.endings);
        awaitPresenceCleared("phone-1");
    }
}
