package io.commucat.ccp.server.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.server.config.ServerConfig.RateLimit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The burst / window / penalty rule of rest.md "Rate limits", on a clock the test steps. */
class RateLimiterTest {

    static final ClientAddress A = new ClientAddress(0x0a000001L, false);
    static final ClientAddress B = new ClientAddress(0x0a000002L, false);

    final AtomicLong nanos = new AtomicLong(1_000);
    final List<String> refusals = new ArrayList<>();

    private RateLimiter limiter(int burst, Duration window, Duration penalty) {
        return new RateLimiter("test", new RateLimit(burst, window, penalty), 1024, nanos::get, refusals::add);
    }

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Test
    void theBurstIsAdmittedAndTheNextAttemptIsRefusedForThePenalty() {
        RateLimiter limiter = limiter(3, Duration.ofSeconds(1), Duration.ofSeconds(10));
        for (int i = 0; i < 3; i++) {
            assertTrue(limiter.admit(A).admitted());
        }
        RateLimiter.Verdict refused = limiter.admit(A);
        assertFalse(refused.admitted());
        assertEquals(Duration.ofSeconds(10), refused.retryAfter());
        assertEquals(10, refused.retryAfterSeconds());
        assertEquals(List.of("test"), refusals);
    }

    @Test
    void attemptsWhileBlockedAreRefusedWithTheTimeLeftAndDoNotExtendTheBlock() {
        RateLimiter limiter = limiter(1, Duration.ofSeconds(1), Duration.ofSeconds(10));
        limiter.admit(A);
        limiter.admit(A);
        advance(Duration.ofMillis(6_500));
        assertEquals(Duration.ofMillis(3_500), limiter.admit(A).retryAfter());
        assertEquals(4, limiter.admit(A).retryAfterSeconds(), "rounded up");
        advance(Duration.ofMillis(3_500));
        assertTrue(limiter.admit(A).admitted(), "the block ends when the penalty does, however often it was hit");
    }

    @Test
    void afterThePenaltyAFreshBurstIsAdmitted() {
        RateLimiter limiter = limiter(2, Duration.ofSeconds(60), Duration.ofSeconds(5));
        limiter.admit(A);
        limiter.admit(A);
        assertFalse(limiter.admit(A).admitted());
        advance(Duration.ofSeconds(5));
        assertTrue(limiter.admit(A).admitted());
        assertTrue(limiter.admit(A).admitted());
        assertFalse(limiter.admit(A).admitted());
    }

    @Test
    void aNewWindowStartsAFreshBurst() {
        RateLimiter limiter = limiter(2, Duration.ofSeconds(1), Duration.ofSeconds(10));
        limiter.admit(A);
        limiter.admit(A);
        advance(Duration.ofSeconds(1));
        assertTrue(limiter.admit(A).admitted());
        assertTrue(limiter.admit(A).admitted());
        assertTrue(refusals.isEmpty());
    }

    @Test
    void aZeroPenaltyBlocksUntilTheWindowEnds() {
        RateLimiter limiter = limiter(1, Duration.ofSeconds(60), Duration.ZERO);
        limiter.admit(A);
        advance(Duration.ofSeconds(20));
        assertEquals(Duration.ofSeconds(40), limiter.admit(A).retryAfter());
        advance(Duration.ofSeconds(40));
        assertTrue(limiter.admit(A).admitted());
    }

    @Test
    void addressesAreLimitedIndependently() {
        RateLimiter limiter = limiter(1, Duration.ofSeconds(1), Duration.ofSeconds(10));
        assertTrue(limiter.admit(A).admitted());
        assertFalse(limiter.admit(A).admitted());
        assertTrue(limiter.admit(B).admitted());
    }

    @Test
    void theTableStaysWithinItsBoundWhenFedAMillionDistinctAddresses() {
        RateLimiter limiter = new RateLimiter("test", new RateLimit(5, Duration.ofMinutes(1), Duration.ofMinutes(1)),
                4_096, nanos::get, refusals::add);
        for (long i = 0; i < 1_000_000; i++) {
            limiter.admit(new ClientAddress(i, (i & 1) == 0));
            if (i % 100_000 == 0) {
                assertTrue(limiter.trackedAddresses() <= 4_096, "at " + i + ": " + limiter.trackedAddresses());
            }
        }
        assertTrue(limiter.trackedAddresses() <= limiter.capacity(), limiter.trackedAddresses() + " addresses");
        assertEquals(4_096, limiter.capacity());
        assertTrue(refusals.isEmpty());
    }

    @Test
    void theAddressSeenLeastRecentlyIsEvictedFirst() {
        RateLimiter limiter = new RateLimiter("test", new RateLimit(1, Duration.ofMinutes(1), Duration.ofMinutes(1)),
                AddressTable.STRIPES, nanos::get, refusals::add);
        // One entry per stripe: a second address of A's stripe evicts A, then A starts over.
        limiter.admit(A);
        assertFalse(limiter.admit(A).admitted());
        ClientAddress sameStripe = null;
        for (long i = 1; sameStripe == null; i++) {
            ClientAddress candidate = new ClientAddress(0x0b000000L + i, false);
            if (AddressTableProbe.stripe(candidate) == AddressTableProbe.stripe(A)) {
                sameStripe = candidate;
            }
        }
        limiter.admit(sameStripe);
        assertTrue(limiter.admit(A).admitted(), "A was forgotten to keep the bound");
    }

    @Test
    void unlimitedAdmitsEverythingAndRemembersNothing() {
        RateLimiter limiter = RateLimiter.unlimited("http");
        for (int i = 0; i < 10_000; i++) {
            assertTrue(limiter.admit(A).admitted());
        }
        assertEquals(0, limiter.trackedAddresses());
    }

    @Test
    void retryAfterIsAtLeastOneSecond() {
        RateLimiter limiter = limiter(1, Duration.ofSeconds(1), Duration.ofMillis(100));
        limiter.admit(A);
        RateLimiter.Verdict refused = limiter.admit(A);
        assertEquals(TimeUnit.MILLISECONDS.toNanos(100), refused.retryAfter().toNanos());
        assertEquals(1, refused.retryAfterSeconds());
    }

    /** Which stripe an address lands in, as {@link AddressTable} computes it. */
    static final class AddressTableProbe {
        static int stripe(ClientAddress address) {
            int hash = address.hashCode();
            int h = hash ^ (hash >>> 16);
            return (h ^ (h >>> 8)) & (AddressTable.STRIPES - 1);
        }
    }
}
