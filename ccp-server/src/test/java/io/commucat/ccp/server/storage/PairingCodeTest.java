package io.commucat.ccp.server.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Which state a claim finds, and which wins when several apply. */
class PairingCodeTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final Instant EXPIRY = T0.plusSeconds(300);

    private static PairingCode code(int failures, Instant redeemedAt) {
        return new PairingCode("h".repeat(64), "user", null, T0, EXPIRY, failures, redeemedAt,
                redeemedAt == null ? null : "device");
    }

    @Test
    void freshCodeIsLiveUntilItsExpiry() {
        assertEquals(PairingCode.State.LIVE, code(0, null).state(EXPIRY.minusNanos(1)));
        assertEquals(PairingCode.State.EXPIRED, code(0, null).state(EXPIRY));
    }

    @Test
    void fourFailuresLeaveItLive() {
        assertEquals(PairingCode.State.LIVE, code(PairingCodes.MAX_FAILED_ATTEMPTS - 1, null).state(T0));
    }

    @Test
    void fiveFailuresLockIt() {
        assertEquals(PairingCode.State.LOCKED, code(PairingCodes.MAX_FAILED_ATTEMPTS, null).state(T0));
    }

    @Test
    void usedWinsOverExpired() {
        assertEquals(PairingCode.State.USED, code(0, T0).state(EXPIRY.plusSeconds(1)));
    }

    @Test
    void lockedWinsOverExpired() {
        assertEquals(PairingCode.State.LOCKED, code(PairingCodes.MAX_FAILED_ATTEMPTS, null).state(EXPIRY));
    }
}
