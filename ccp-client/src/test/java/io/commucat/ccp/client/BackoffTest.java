package io.commucat.ccp.client;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void eachWaitIsAtMostTheDoubledCeilingAndNeverAboveTheMaximum() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1));
        long[] ceilings = {100, 200, 400, 800, 1000, 1000, 1000};
        for (long ceiling : ceilings) {
            long wait = backoff.next().toMillis();
            assertTrue(wait >= 0 && wait <= ceiling, wait + " > " + ceiling);
        }
    }

    @Test
    void waitsAreSpreadOverTheWholeRange() {
        long max = 0;
        long min = Long.MAX_VALUE;
        for (int i = 0; i < 200; i++) {
            Backoff backoff = new Backoff(Duration.ofMillis(1000), Duration.ofMillis(1000));
            long wait = backoff.next().toMillis();
            max = Math.max(max, wait);
            min = Math.min(min, wait);
        }
        assertTrue(min < 250 && max > 750, "full jitter: " + min + " .. " + max);
    }

    @Test
    void aSuccessStartsFromTheInitialCeilingAgain() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(60));
        for (int i = 0; i < 10; i++) {
            backoff.next();
        }
        backoff.reset();

        assertTrue(backoff.next().toMillis() <= 100);
    }

    @Test
    void manyFailuresDoNotOverflow() {
        Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));
        for (int i = 0; i < 100; i++) {
            long wait = backoff.next().toMillis();
            assertTrue(wait >= 0 && wait <= 30_000, Long.toString(wait));
        }
    }
}
