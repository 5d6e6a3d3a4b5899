package io.commucat.ccp.server.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.client.handshake.EstablishedSession;
import io.commucat.ccp.client.handshake.UserHints;
import io.commucat.ccp.crypto.noise.NoisePattern;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.server.handshake.SessionTokens;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The node's keepalive round (issue #19 §3): the sessions due at a tick are refreshed together,
 * one statement and one presence round trip per batch, and the round still ends a revoked
 * device's session and takes back a route another node took. The fixture runs the round as a
 * node does; {@link ConnectFixture#skipKeepaliveInterval} makes every session due.
 */
class KeepaliveRefresherTest extends DefaultConnectFixture {

    /** A device of a user of its own, established. */
    private record Connected(TestDevice device, ConnectFixture.Stream stream, String tokenHash) {
    }

    private Connected connect(String deviceId) throws Exception {
        TestDevice device = new TestDevice(f, deviceId).start(NoisePattern.XK, UserHints.handle("user-" + deviceId));
        ConnectFixture.Stream stream = f.open();
        EstablishedSession established = device.bootstrap(stream);
        return new Connected(device, stream, SessionTokens.hash(established.session()));
    }

    private Instant expiry(Connected c) throws Exception {
        return f.store.sessions().find(c.tokenHash(), Instant.now()).orElseThrow().expiresAt();
    }

    @Test
    void aRoundRefreshesEveryDueSessionWithOneStatementAndOnePresenceRoundTrip() throws Exception {
        List<Connected> sessions = new ArrayList<>();
        List<Instant> before = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Connected c = connect("phone-" + i);
            sessions.add(c);
            before.add(expiry(c));
        }
        int refreshAll = f.storageThreads.calls("Sessions.refreshAll");
        int takeRoutes = f.storageThreads.calls("Presence.takeRoutes");

        f.skipKeepaliveInterval();

        ConnectFixture.await(() -> f.storageThreads.calls("Sessions.refreshAll") > refreshAll, "no keepalive round");
        for (int i = 0; i < sessions.size(); i++) {
            Connected c = sessions.get(i);
            Instant was = before.get(i);
            ConnectFixture.await(() -> {
                try {
                    return expiry(c).isAfter(was);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }, "session " + i + " not refreshed");
        }
        assertEquals(refreshAll + 1, f.storageThreads.calls("Sessions.refreshAll"));
        assertEquals(0, f.storageThreads.calls("Sessions.refresh"));
        assertEquals(takeRoutes + 1, f.storageThreads.calls("Presence.takeRoutes"));
        assertEquals(0, f.storageThreads.calls("Presence.takeRoute"));
        assertEquals(0, f.storageThreads.calls("Presence.publish"));
        assertTrue(f.storageThreads.threads().stream().noneMatch(ConnectFixture.LOOP_THREAD::equals),
                f.storageThreads.threads().toString());
    }

    @Test
    void aRevokedDevicesSessionEndsAtItsTurnAndTheOthersInTheRoundStay() throws Exception {
        Connected kept = connect("phone-1");
        Connected revoked = connect("phone-2");
        // Straight in storage: no broadcast, no local ending; only the round can notice.
        assertTrue(f.store.directory().revokeDevice("phone-2"));

        f.skipKeepaliveInterval();

        Frame notice = revoked.device().awaitEncrypted(revoked.stream()).get(0);
        assertEquals(FrameType.ERROR, notice.type(), notice.toString());
        assertEquals("revoked", notice.control().text("error"));
        revoked.stream().awaitWrites(Integer.MAX_VALUE);
        assertEquals(ConnectSession.State.CLOSED, revoked.stream().state());
        assertEquals(List.of(SessionEnd.REVOKED), f.endings);
        assertEquals(ConnectSession.State.ESTABLISHED, kept.stream().state());
        assertEquals(1, f.services.keepalive().size());
    }

    @Test
    void aRouteAnotherNodeTookIsTakenBackAtTheRoundAndThatNodeIsTold() throws Exception {
        connect("phone-1");
        Connected other = connect("phone-2");
        BlockingQueue<byte[]> west = new LinkedBlockingQueue<>();
        f.bus.subscribe("west", west::add);
        f.presence.setRoute("phone-1", "west", Duration.ofMinutes(1));

        f.skipKeepaliveInterval();

        ConnectFixture.awaitToldToReplace(west, "phone-1");
        assertEquals(Optional.of(ConnectFixture.NODE), f.presence.route("phone-1"));
        assertEquals(Optional.of(ConnectFixture.NODE), f.presence.route("phone-2"));
        assertEquals(null, west.poll(200, TimeUnit.MILLISECONDS), "only the device whose route was elsewhere");
        assertEquals(ConnectSession.State.ESTABLISHED, other.stream().state());
    }

    @Test
    void aSessionLeavesTheRoundWhenItEnds() throws Exception {
        Connected c = connect("phone-1");
        assertEquals(1, f.services.keepalive().size());

        c.stream().transportClosed();

        assertEquals(0, f.services.keepalive().size());
    }
}
