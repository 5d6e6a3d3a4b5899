package io.commucat.ccp.server.storage.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.server.storage.PresenceContract;
import io.commucat.ccp.server.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/** The Presence contract in process, with a clock the tests move instead of sleeping. */
class EmbeddedPresenceTest implements PresenceContract {

    private static final Duration PURGE_INTERVAL = Duration.ofSeconds(30);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final EmbeddedPresence presence = new EmbeddedPresence(clock, PURGE_INTERVAL);

    @Override
    public EmbeddedPresence presence() {
        return presence;
    }

    @Override
    public Duration shortTtl() {
        return Duration.ofSeconds(30);
    }

    @Override
    public void awaitExpiry(Duration ttl, Callable<Boolean> gone) throws Exception {
        clock.advance(ttl);
        assertTrue(gone.call(), "still there after its TTL of " + ttl);
    }

    @Test
    void snapshotIsFoundUntilTheLastInstantOfItsTtl() throws Exception {
        String device = PresenceContract.deviceId();
        presence.publish(PresenceContract.snapshot(device, "node-a"), Duration.ofSeconds(10));

        clock.advance(Duration.ofSeconds(10).minusNanos(1));

        assertTrue(presence.find(device).isPresent());
    }

    @Test
    void republishingRestartsTheTtl() throws Exception {
        String device = PresenceContract.deviceId();
        presence.publish(PresenceContract.snapshot(device, "node-a"), Duration.ofSeconds(10));
        clock.advance(Duration.ofSeconds(8));

        presence.publish(PresenceContract.snapshot(device, "node-a"), Duration.ofSeconds(10));
        clock.advance(Duration.ofSeconds(8));

        assertTrue(presence.find(device).isPresent());
    }

    @Test
    void purgeExpiredDropsOnlyExpiredEntries() throws Exception {
        presence.publish(PresenceContract.snapshot("short", "node-a"), Duration.ofSeconds(5));
        presence.setRoute("short", "node-a", Duration.ofSeconds(5));
        presence.setRoute("long", "node-a", Duration.ofMinutes(5));
        clock.advance(Duration.ofSeconds(5));

        assertEquals(2, presence.purgeExpired());

        assertEquals(1, presence.size());
    }

    @Test
    void writesSweepExpiredEntriesOncePerInterval() throws Exception {
        for (int i = 0; i < 100; i++) {
            presence.setRoute("device-" + i, "node-a", Duration.ofSeconds(1));
        }
        clock.advance(PURGE_INTERVAL);

        presence.setRoute("fresh", "node-a", Duration.ofMinutes(5));

        assertEquals(1, presence.size());
    }

    @Test
    void writesBeforeTheIntervalDoNotSweep() throws Exception {
        presence.setRoute("old", "node-a", Duration.ofSeconds(1));
        clock.advance(PURGE_INTERVAL.minusSeconds(1));

        presence.setRoute("fresh", "node-a", Duration.ofMinutes(5));

        assertEquals(2, presence.size());
    }
}
