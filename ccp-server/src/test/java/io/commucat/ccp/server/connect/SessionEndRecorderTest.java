package io.commucat.ccp.server.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.client.handshake.UserHints;
import io.commucat.ccp.crypto.noise.NoisePattern;
import io.commucat.ccp.server.storage.jdbc.JdbcSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The ends of a node's sessions, recorded in batches (issue #19 §3): presence and route cleared
 * in one round trip and {@code last_seen} in one statement per batch, never a newer session's
 * entry erased by an end recorded late. {@link ConnectFixture#holdSessionEnds} plays a recorder
 * that is behind.
 */
class SessionEndRecorderTest extends DefaultConnectFixture {

    private static final int MANY = 25;

    /** A device of a user of its own, established. */
    private record Connected(TestDevice device, ConnectFixture.Stream stream) {
    }

    private Connected connectDevice(String deviceId) throws Exception {
        TestDevice device = new TestDevice(f, deviceId).start(NoisePattern.XK, UserHints.handle("user-" + deviceId));
        ConnectFixture.Stream stream = f.open();
        device.bootstrap(stream);
        return new Connected(device, stream);
    }

    private ConnectFixture.Stream connect(String deviceId) throws Exception {
        return connectDevice(deviceId).stream();
    }

    /** The same device (same key) bootstraps again on a new stream. */
    private ConnectFixture.Stream reconnect(Connected first) throws Exception {
        TestDevice again = new TestDevice(f, first.device().identity.deviceId());
        again.identity = first.device().identity;
        again.start(NoisePattern.XK, UserHints.NONE);
        ConnectFixture.Stream stream = f.open();
        again.bootstrap(stream);
        return stream;
    }

    private List<ConnectFixture.Stream> connectMany() throws Exception {
        List<ConnectFixture.Stream> streams = new ArrayList<>();
        for (int i = 0; i < MANY; i++) {
            streams.add(connect("phone-" + i));
        }
        return streams;
    }

    /** Every stream's transport goes away in one task on the loop, as a load balancer's drop does. */
    private void dropAll(List<ConnectFixture.Stream> streams) throws Exception {
        f.loop.submit(() -> streams.forEach(s -> s.session.onTransportClosed())).get();
    }

    private boolean ended(String deviceId, Instant since) {
        try {
            Instant seen = f.store.directory().findDevice(deviceId).orElseThrow().lastSeen();
            return f.presence.find(deviceId).isEmpty() && f.presence.route(deviceId).isEmpty()
                    && seen != null && !seen.isBefore(since.truncatedTo(ChronoUnit.MICROS));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private boolean routeGone(String deviceId) {
        try {
            return f.presence.route(deviceId).isEmpty();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void sessionsEndingTogetherAllHaveTheirPresenceClearedAndLastSeenSet() throws Exception {
        List<ConnectFixture.Stream> streams = connectMany();
        Instant dropped = Instant.now();

        dropAll(streams);

        for (int i = 0; i < MANY; i++) {
            String device = "phone-" + i;
            ConnectFixture.await(() -> ended(device, dropped), device + " not recorded as ended");
        }
        assertEquals(0, f.storageThreads.calls("Presence.clear"), "no clear per session");
        assertEquals(0, f.storageThreads.calls("Directory.touchDevice"), "no statement per session");
        assertTrue(f.storageThreads.calls("Presence.clearEnded") <= MANY);
    }

    @Test
    void endsThatWaitedAreRecordedWithOneRoundTripAndOneStatement() throws Exception {
        List<ConnectFixture.Stream> streams = connectMany();
        f.holdSessionEnds();
        Instant dropped = Instant.now();
        dropAll(streams);
        assertEquals(MANY, f.services.sessionEnds().size());

        f.recordSessionEnds();

        for (int i = 0; i < MANY; i++) {
            assertTrue(ended("phone-" + i, dropped), "phone-" + i + " not recorded as ended");
        }
        assertEquals(1, f.storageThreads.calls("Presence.clearEnded"));
        assertEquals(1, f.storageThreads.calls("Directory.touchDevices"));
    }

    @Test
    void anEndRecordedAfterTheDeviceReconnectedLeavesTheNewSessionsPresenceAndLastSeen() throws Exception {
        f.holdSessionEnds();
        Connected old = connectDevice("phone-1");
        old.stream().transportClosed();
        ConnectFixture.Stream fresh = reconnect(old);
        Instant reconnected = f.store.directory().findDevice("phone-1").orElseThrow().lastSeen();

        f.recordSessionEnds();

        assertEquals(ConnectSession.State.ESTABLISHED, fresh.state());
        assertTrue(f.presence.find("phone-1").isPresent(), "the new session's presence survives");
        assertEquals(Optional.of(ConnectFixture.NODE), f.presence.route("phone-1"));
        assertEquals(reconnected, f.store.directory().findDevice("phone-1").orElseThrow().lastSeen(),
                "last_seen is not moved back to the old session's end");
    }

    @Test
    void aReplacedSessionsEndLeavesItsSuccessorsPresence() throws Exception {
        f.holdSessionEnds();
        Connected old = connectDevice("phone-1");
        ConnectFixture.Stream fresh = reconnect(old);
        old.stream().awaitWrites(Integer.MAX_VALUE);
        assertEquals(ConnectSession.State.CLOSED, old.stream().state());

        f.recordSessionEnds();

        assertEquals(ConnectSession.State.ESTABLISHED, fresh.state());
        assertTrue(f.presence.find("phone-1").isPresent(), "the new session's presence survives");
        assertEquals(Optional.of(ConnectFixture.NODE), f.presence.route("phone-1"));
    }

    @Test
    void closingTheRecorderRecordsTheEndsStillWaiting() throws Exception {
        List<ConnectFixture.Stream> streams = connectMany();
        f.holdSessionEnds();
        Instant dropped = Instant.now();
        dropAll(streams);

        SessionEndRecorder.start(f.services).close();

        assertEquals(0, f.services.sessionEnds().size());
        for (int i = 0; i < MANY; i++) {
            assertTrue(ended("phone-" + i, dropped), "phone-" + i + " not recorded as ended");
        }
    }

    @Test
    void anEndAfterTheRecorderClosedIsRecordedOnItsOwnOnTheStorageExecutor() throws Exception {
        ConnectFixture.Stream stream = connect("phone-1");
        SessionEndRecorder.start(f.services).close();
        Instant dropped = Instant.now();

        stream.transportClosed();

        assertEquals(0, f.services.sessionEnds().size());
        ConnectFixture.await(() -> ended("phone-1", dropped), "phone-1 not recorded as ended");
    }

    @Test
    void aDatabaseStatementThatWaitsDoesNotHoldUpTheClearingOfPresence() throws Exception {
        ConnectFixture.Stream first = connect("phone-1");
        ConnectFixture.Stream second = connect("phone-2");
        Instant dropped = Instant.now();
        try (Connection locker = DriverManager.getConnection(JdbcSettings.h2File(dir.resolve("db")).jdbcUrl())) {
            // Another transaction holds phone-1's row: its last_seen statement waits (up to H2's 10 s lock timeout).
            locker.setAutoCommit(false);
            try (Statement statement = locker.createStatement()) {
                assertEquals(1, statement.executeUpdate("UPDATE devices SET name = 'held' WHERE id = 'phone-1'"));
            }
            first.transportClosed();
            ConnectFixture.await(() -> f.storageThreads.calls("Directory.touchDevices") == 1, "no last seen statement");

            second.transportClosed();

            ConnectFixture.await(() -> routeGone("phone-2"), "phone-2's route not cleared behind the statement");
            assertTrue(f.presence.find("phone-1").isEmpty());
            locker.rollback();
        }
        ConnectFixture.await(() -> ended("phone-1", dropped) && ended("phone-2", dropped),
                "last seen not written once the database answered");
    }

    @Test
    void anEndBeyondTheQueuesCapacityIsRefusedForTheCallerToRecord() {
        SessionEnds ends = new SessionEnds(2);
        SessionEnds.Ended end = new SessionEnds.Ended("phone-1", true, Instant.now());

        assertTrue(ends.offer(end));
        assertTrue(ends.offer(end));
        assertFalse(ends.offer(end));
        assertEquals(2, ends.size());
    }

    @Test
    void aClosedQueueRefusesEndsForTheCallerToRecord() {
        SessionEnds ends = new SessionEnds(2);
        ends.close();

        assertFalse(ends.offer(new SessionEnds.Ended("phone-1", true, Instant.now())));
    }
}
