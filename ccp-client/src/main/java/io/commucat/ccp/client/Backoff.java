package io.commucat.ccp.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter: attempt n waits a uniformly random time in
 * [0, min(max, initial × 2ⁿ)], so many devices that lost one server do not come back in step.
 * Not thread-safe (its session guards it).
 */
final class Backoff {

    private final long initialMillis;
    private final long maxMillis;
    private int attempt;

    Backoff(Duration initial, Duration max) {
        this.initialMillis = Math.max(1, initial.toMillis());
        this.maxMillis = Math.max(initialMillis, max.toMillis());
    }

    /** The wait before the next attempt; each call doubles the ceiling up to the maximum. */
    Duration next() {
        long ceiling = attempt >= 30 ? maxMillis : Math.min(maxMillis, initialMillis << attempt);
        attempt++;
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling + 1));
    }

    /** A success: the next failure starts from the initial ceiling again. */
    void reset() {
        attempt = 0;
    }
}
