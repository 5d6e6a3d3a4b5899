package io.commucat.ccp.server.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How often a live session's presence and route are written again, against their TTL. */
class HandshakePolicyTest {

    private static HandshakePolicy policy(Duration keepaliveInterval, Duration presenceTtl) {
        return new HandshakePolicy("example.org", new byte[0], true, false, 5, Duration.ofSeconds(60),
                keepaliveInterval, presenceTtl, Duration.ofDays(30), Duration.ofSeconds(10), Duration.ofSeconds(20));
    }

    @Test
    void theDefaultsRefreshWellInsideThePresenceTtl() {
        assertEquals(Duration.ofMillis(22_500), policy(Duration.ofSeconds(30), Duration.ofSeconds(30)).refreshPeriod());
    }

    @Test
    void aKeepaliveIntervalShorterThanTheTtlSetsThePeriod() {
        assertEquals(Duration.ofSeconds(10), policy(Duration.ofSeconds(10), Duration.ofSeconds(30)).refreshPeriod());
    }

    @Test
    void aShortTtlShortensThePeriod() {
        assertEquals(Duration.ofMillis(750), policy(Duration.ofSeconds(30), Duration.ofSeconds(1)).refreshPeriod());
    }
}
