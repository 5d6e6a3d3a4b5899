package io.commucat.ccp.server.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Presence} must do. Implementations' tests provide a presence with no
 * entries for each test, and say how time passes for it.
 */
public interface PresenceContract {

    Duration LONG_TTL = Duration.ofMinutes(5);

    Presence presence();

    /** A TTL short enough to wait out in a test. */
    Duration shortTtl();

    /**
     * Lets {@code ttl} pass for the backend (moving a clock, or polling a real server for a
     * while) and fails unless {@code gone} then holds.
     */
    void awaitExpiry(Duration ttl, Callable<Boolean> gone) throws Exception;

    static String deviceId() {
        return "device-" + UUID.randomUUID();
    }

    static PresenceSnapshot snapshot(String deviceId, String nodeId) {
        return new PresenceSnapshot(deviceId, "user-1", "online", nodeId, Instant.parse("2026-03-01T10:15:30.123Z"));
    }

    @Test
    default void publishedSnapshotIsFound() throws Exception {
        PresenceSnapshot snapshot = snapshot(deviceId(), "node-a");

        presence().publish(snapshot, LONG_TTL);

        assertEquals(Optional.of(snapshot), presence().find(snapshot.deviceId()));
    }

    @Test
    default void snapshotWithoutTimestampIsFound() throws Exception {
        PresenceSnapshot snapshot = new PresenceSnapshot(deviceId(), "user-1", "away", "node-a", null);

        presence().publish(snapshot, LONG_TTL);

        assertEquals(Optional.of(snapshot), presence().find(snapshot.deviceId()));
    }

    @Test
    default void routesOfSeveralDevicesAreFoundTogether() throws Exception {
        String east = deviceId();
        String west = deviceId();
        String nowhere = deviceId();
        presence().setRoute(east, "node-east", LONG_TTL);
        presence().setRoute(west, "node-west", LONG_TTL);

        Map<String, Optional<String>> routes = presence().routes(List.of(east, west, nowhere, east));

        assertEquals(Map.of(east, Optional.of("node-east"), west, Optional.of("node-west"), nowhere, Optional.empty()),
                routes);
    }

    @Test
    default void unknownDeviceHasNoSnapshot() throws Exception {
        assertEquals(Optional.empty(), presence().find(deviceId()));
    }

    @Test
    default void publishReplacesTheSnapshot() throws Exception {
        String device = deviceId();
        presence().publish(snapshot(device, "node-a"), LONG_TTL);
        PresenceSnapshot busy = new PresenceSnapshot(device, "user-1", "busy", "node-b", Instant.EPOCH);

        presence().publish(busy, LONG_TTL);

        assertEquals(Optional.of(busy), presence().find(device));
    }

    @Test
    default void snapshotExpiresAfterItsTtl() throws Exception {
        String device = deviceId();
        presence().publish(snapshot(device, "node-a"), shortTtl());
        assertTrue(presence().find(device).isPresent());

        awaitExpiry(shortTtl(), () -> presence().find(device).isEmpty());
    }

    @Test
    default void routeIsFound() throws Exception {
        String device = deviceId();

        presence().setRoute(device, "node-a", LONG_TTL);

        assertEquals(Optional.of("node-a"), presence().route(device));
    }

    @Test
    default void unknownDeviceHasNoRoute() throws Exception {
        assertEquals(Optional.empty(), presence().route(deviceId()));
    }

    @Test
    default void takeRouteReturnsTheNodeItTookTheRouteFrom() throws Exception {
        String device = deviceId();

        assertEquals(Optional.empty(), presence().takeRoute(device, "node-a", LONG_TTL));
        assertEquals(Optional.of("node-a"), presence().takeRoute(device, "node-b", LONG_TTL));
        assertEquals(Optional.of("node-b"), presence().route(device));
    }

    @Test
    default void takeRoutesReturnsPerDeviceTheNodeItTookTheRouteFrom() throws Exception {
        String fresh = deviceId();
        String ours = deviceId();
        String elsewhere = deviceId();
        presence().setRoute(ours, "node-a", LONG_TTL);
        presence().setRoute(elsewhere, "node-west", LONG_TTL);

        Map<String, Optional<String>> previous = presence().takeRoutes(
                List.of(snapshot(fresh, "node-a"), snapshot(ours, "node-a"), snapshot(elsewhere, "node-a")), LONG_TTL);

        assertEquals(Map.of(fresh, Optional.empty(), ours, Optional.of("node-a"), elsewhere, Optional.of("node-west")),
                previous);
        for (String device : List.of(fresh, ours, elsewhere)) {
            assertEquals(Optional.of("node-a"), presence().route(device));
        }
    }

    @Test
    default void takeRoutesPublishesEachSnapshot() throws Exception {
        PresenceSnapshot away = new PresenceSnapshot(deviceId(), "user-1", "away", "node-a", Instant.EPOCH);
        PresenceSnapshot online = snapshot(deviceId(), "node-a");
        presence().publish(snapshot(away.deviceId(), "node-b"), LONG_TTL);

        presence().takeRoutes(List.of(away, online), LONG_TTL);

        assertEquals(Optional.of(away), presence().find(away.deviceId()));
        assertEquals(Optional.of(online), presence().find(online.deviceId()));
    }

    @Test
    default void takenRoutesAndSnapshotsExpireAfterTheirTtl() throws Exception {
        String device = deviceId();
        presence().takeRoutes(List.of(snapshot(device, "node-a")), shortTtl());
        assertTrue(presence().route(device).isPresent());

        awaitExpiry(shortTtl(), () -> presence().route(device).isEmpty() && presence().find(device).isEmpty());
    }

    @Test
    default void takeRoutesOfNoDeviceIsEmpty() throws Exception {
        assertEquals(Map.of(), presence().takeRoutes(List.of(), LONG_TTL));
    }

    @Test
    default void takeRoutesRefusesTwoSnapshotsOfOneDevice() {
        String device = deviceId();

        assertThrows(IllegalArgumentException.class, () -> presence().takeRoutes(
                List.of(snapshot(device, "node-a"), snapshot(device, "node-a")), LONG_TTL));
    }

    @Test
    default void setRouteReplacesTheRoute() throws Exception {
        String device = deviceId();
        presence().setRoute(device, "node-a", LONG_TTL);

        presence().setRoute(device, "node-b", LONG_TTL);

        assertEquals(Optional.of("node-b"), presence().route(device));
    }

    @Test
    default void routeExpiresAfterItsTtl() throws Exception {
        String device = deviceId();
        presence().setRoute(device, "node-a", shortTtl());
        assertTrue(presence().route(device).isPresent());

        awaitExpiry(shortTtl(), () -> presence().route(device).isEmpty());
    }

    @Test
    default void snapshotAndRouteExpireIndependently() throws Exception {
        String device = deviceId();
        presence().publish(snapshot(device, "node-a"), LONG_TTL);
        presence().setRoute(device, "node-a", shortTtl());

        awaitExpiry(shortTtl(), () -> presence().route(device).isEmpty());

        assertTrue(presence().find(device).isPresent());
    }

    @Test
    default void clearRemovesTheNodesOwnEntries() throws Exception {
        String device = deviceId();
        presence().publish(snapshot(device, "node-a"), LONG_TTL);
        presence().setRoute(device, "node-a", LONG_TTL);

        presence().clear(device, "node-a");

        assertEquals(Optional.empty(), presence().find(device));
        assertEquals(Optional.empty(), presence().route(device));
    }

    @Test
    default void clearKeepsAnotherNodesNewerEntries() throws Exception {
        String device = deviceId();
        presence().publish(snapshot(device, "node-a"), LONG_TTL);
        presence().setRoute(device, "node-a", LONG_TTL);
        // The device reconnected to node-b before node-a noticed it had gone.
        presence().publish(snapshot(device, "node-b"), LONG_TTL);
        presence().setRoute(device, "node-b", LONG_TTL);

        presence().clear(device, "node-a");

        assertEquals(Optional.of(snapshot(device, "node-b")), presence().find(device));
        assertEquals(Optional.of("node-b"), presence().route(device));
    }

    @Test
    default void clearComparesSnapshotAndRouteSeparately() throws Exception {
        String device = deviceId();
        presence().publish(snapshot(device, "node-b"), LONG_TTL);
        presence().setRoute(device, "node-a", LONG_TTL);

        presence().clear(device, "node-a");

        assertEquals(Optional.of(snapshot(device, "node-b")), presence().find(device));
        assertEquals(Optional.empty(), presence().route(device));
    }

    @Test
    default void clearOfUnknownDeviceIsHarmless() throws Exception {
        presence().clear(deviceId(), "node-a");
    }

    /** A snapshot of {@code nodeId} written at {@code at}. */
    static PresenceSnapshot snapshotAt(String deviceId, String nodeId, Instant at) {
        return new PresenceSnapshot(deviceId, "user-1", "online", nodeId, at);
    }

    @Test
    default void clearEndedRemovesEachDevicesEntriesWrittenBeforeItsEnd() throws Exception {
        Instant published = Instant.parse("2026-03-01T10:15:30.123456Z");
        Map<String, Instant> ended = new java.util.HashMap<>();
        for (int i = 0; i < 20; i++) {
            String device = deviceId();
            presence().takeRoutes(List.of(snapshotAt(device, "node-a", published)), LONG_TTL);
            ended.put(device, published.plusSeconds(i));
        }

        presence().clearEnded(ended, "node-a");

        for (String device : ended.keySet()) {
            assertEquals(Optional.empty(), presence().find(device));
            assertEquals(Optional.empty(), presence().route(device));
        }
    }

    @Test
    default void clearEndedKeepsANewerSessionOnTheSameNode() throws Exception {
        String device = deviceId();
        Instant ended = Instant.parse("2026-03-01T10:15:30.123456Z");
        // The device reconnected to the same node before its old session's end was recorded.
        PresenceSnapshot newer = snapshotAt(device, "node-a", ended.plusNanos(1_000));
        presence().takeRoutes(List.of(newer), LONG_TTL);

        presence().clearEnded(Map.of(device, ended), "node-a");

        assertEquals(Optional.of(newer), presence().find(device));
        assertEquals(Optional.of("node-a"), presence().route(device));
    }

    @Test
    default void clearEndedRemovesASnapshotWrittenAtTheEnd() throws Exception {
        String device = deviceId();
        Instant ended = Instant.parse("2026-03-01T10:15:30.123456Z");
        presence().takeRoutes(List.of(snapshotAt(device, "node-a", ended)), LONG_TTL);

        presence().clearEnded(Map.of(device, ended), "node-a");

        assertEquals(Optional.empty(), presence().find(device));
        assertEquals(Optional.empty(), presence().route(device));
    }

    @Test
    default void clearEndedRemovesASnapshotWithoutTimestamp() throws Exception {
        String device = deviceId();
        presence().publish(new PresenceSnapshot(device, "user-1", "away", "node-a", null), LONG_TTL);
        presence().setRoute(device, "node-a", LONG_TTL);

        presence().clearEnded(Map.of(device, Instant.parse("2026-03-01T10:15:30Z")), "node-a");

        assertEquals(Optional.empty(), presence().find(device));
        assertEquals(Optional.empty(), presence().route(device));
    }

    @Test
    default void clearEndedKeepsAnotherNodesEntriesWhateverTheirTime() throws Exception {
        String device = deviceId();
        Instant ended = Instant.parse("2026-03-01T10:15:30.123456Z");
        PresenceSnapshot elsewhere = snapshotAt(device, "node-b", ended.minusSeconds(60));
        presence().takeRoutes(List.of(elsewhere), LONG_TTL);

        presence().clearEnded(Map.of(device, ended), "node-a");

        assertEquals(Optional.of(elsewhere), presence().find(device));
        assertEquals(Optional.of("node-b"), presence().route(device));
    }

    @Test
    default void clearEndedOfUnknownDevicesOrNoneIsHarmless() throws Exception {
        presence().clearEnded(Map.of(deviceId(), Instant.now()), "node-a");
        presence().clearEnded(Map.of(), "node-a");
    }

    @Test
    default void pingAnswers() {
        assertTrue(presence().ping());
    }
}
