package io.commucat.ccp.server.pairing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.commucat.ccp.server.http.rest.ApiException;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** rest.md: ttl must be positive, is capped at limits.pairing_ttl and clamped to [60, 3600]. */
class PairingTtlTest {

    private static final Duration CONFIGURED = Duration.ofSeconds(300);

    @Test
    void withoutTtlTheConfiguredOneApplies() throws Exception {
        assertEquals(CONFIGURED, PairingIssuer.ttl(Optional.empty(), CONFIGURED));
    }

    @Test
    void shorterTtlIsKept() throws Exception {
        assertEquals(Duration.ofSeconds(120), PairingIssuer.ttl(Optional.of(120L), CONFIGURED));
    }

    @Test
    void longerTtlIsCappedAtTheConfiguredOne() throws Exception {
        assertEquals(CONFIGURED, PairingIssuer.ttl(Optional.of(100_000L), CONFIGURED));
    }

    @Test
    void ttlUnderAMinuteIsRaisedToOne() throws Exception {
        assertEquals(Duration.ofSeconds(60), PairingIssuer.ttl(Optional.of(1L), CONFIGURED));
    }

    @Test
    void configuredMaximumIsAnHour() throws Exception {
        assertEquals(Duration.ofSeconds(3600), PairingIssuer.ttl(Optional.of(Long.MAX_VALUE), Duration.ofHours(1)));
    }

    @Test
    void zeroTtlIsRefusedNamingTtl() {
        ApiException e = assertThrows(ApiException.class, () -> PairingIssuer.ttl(Optional.of(0L), CONFIGURED));

        assertEquals(ApiException.Kind.BAD_REQUEST, e.kind());
        assertEquals("ttl must be a positive number of seconds", e.getMessage());
    }

    @Test
    void negativeTtlIsRefused() {
        assertThrows(ApiException.class, () -> PairingIssuer.ttl(Optional.of(-5L), CONFIGURED));
    }
}
