package io.commucat.ccp.server.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.server.relay.Delivery;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The registry's memory of revocations (long enough for any bootstrap, bounded, then forgotten),
 * and of bootstraps that read their device's inbox before registering (a live delivery meanwhile
 * makes the session read again).
 */
class SessionRegistryTest {

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

    private static Delivery msgFor(String deviceId) {
        return new Delivery(deviceId, Frame.opaque(FrameType.MSG, 7, 0, new byte[] {1}), 42);
    }

    @Test
    void aBootstrapThatNothingWasDeliveredToMeanwhileNeedNotReadAgain() {
        SessionRegistry registry = new SessionRegistry();
        SessionRegistry.Arrival arrival = registry.expect("phone-1");

        registry.deliver(msgFor("phone-2"));

        assertFalse(registry.arrived("phone-1", arrival));
        assertEquals(0, registry.arrivals());
    }

    @Test
    void aDeliveryBeforeTheSessionRegisteredMakesItReadAgain() {
        SessionRegistry registry = new SessionRegistry();
        SessionRegistry.Arrival arrival = registry.expect("phone-1");

        registry.deliver(msgFor("phone-1"));

        assertTrue(registry.arrived("phone-1", arrival));
    }

    @Test
    void aSecondBootstrapOfTheSameDeviceMakesTheFirstReadAgain() {
        SessionRegistry registry = new SessionRegistry();
        SessionRegistry.Arrival first = registry.expect("phone-1");
        SessionRegistry.Arrival second = registry.expect("phone-1");

        assertTrue(registry.arrived("phone-1", first));
        assertFalse(registry.arrived("phone-1", second));
    }

    @Test
    void anAbandonedBootstrapLeavesNothingBehind() {
        SessionRegistry registry = new SessionRegistry();
        SessionRegistry.Arrival arrival = registry.expect("phone-1");

        registry.abandon("phone-1", arrival);

        assertEquals(0, registry.arrivals());
    }

    @Test
    void envelopesCommittedUnannouncedMakeEveryBootstrapUnderWayReadAgain() {
        SessionRegistry registry = new SessionRegistry();
        SessionRegistry.Arrival one = registry.expect("phone-1");
        SessionRegistry.Arrival two = registry.expect("phone-2");

        registry.arrivalsMayHaveMissed();

        assertTrue(registry.arrived("phone-1", one));
        assertTrue(registry.arrived("phone-2", two));
    }
}
