package io.commucat.ccp.server.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The registry's memory of revocations: long enough for any bootstrap, bounded, then forgotten. */
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
}
