package io.commucat.ccp.server.admission;

import io.commucat.ccp.server.config.ServerConfig.RateLimit;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One per-address limit of rest.md "Rate limits": an address may make {@code burst} attempts in
 * a window that opens with its first attempt; the first attempt over the burst blocks the address
 * for {@code penalty} (a zero penalty: until the window ends), every attempt while blocked is
 * refused with the time left, and once the block is over a fresh window starts. Refusals do not extend the block, so the {@code Retry-After} a
 * client is told is the truth. Addresses live in a bounded {@link AddressTable}: an address
 * evicted from a full table starts over with a fresh window (the bound is worth more than
 * remembering every quiet address). Thread-safe; never blocks beyond a short lock.
 */
public final class RateLimiter {

    /** What an attempt got: admitted, or refused until {@code retryAfter} has passed. */
    public record Verdict(boolean admitted, Duration retryAfter) {

        static final Verdict ADMITTED = new Verdict(true, Duration.ZERO);

        /** {@code Retry-After} in whole seconds, rounded up, at least 1. */
        public long retryAfterSeconds() {
            return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        }
    }

    /** Hears every refusal (a metric). */
    @FunctionalInterface
    public interface Refusals {
        void refused(String limit);
    }

    private final String name;
    private final int burst;
    private final long windowNanos;
    private final long penaltyNanos;
    private final AddressTable<Bucket> table;
    private final LongSupplier nanoTime;
    private final Refusals refusals;

    /**
     * @param name     the limit's name, for the metric ({@code http}, {@code connect}, ...)
     * @param capacity addresses remembered at most
     * @param nanoTime a monotonic clock ({@code System::nanoTime}; tests step their own)
     */
    public RateLimiter(String name, RateLimit limit, int capacity, LongSupplier nanoTime, Refusals refusals) {
        this.name = Objects.requireNonNull(name, "name");
        this.burst = limit.burst();
        this.windowNanos = limit.window().toNanos();
        this.penaltyNanos = limit.penalty().toNanos();
        this.table = new AddressTable<>(capacity);
        this.nanoTime = nanoTime;
        this.refusals = refusals;
    }

    /** Unlimited: no table at all. */
    private RateLimiter(String name) {
        this.name = Objects.requireNonNull(name, "name");
        this.burst = 0;
        this.windowNanos = 0;
        this.penaltyNanos = 0;
        this.table = null;
        this.nanoTime = () -> 0;
        this.refusals = limit -> { };
    }

    /** A limiter that admits everything and remembers nothing (tests and tools that measure something else). */
    public static RateLimiter unlimited(String name) {
        return new RateLimiter(name);
    }

    public String name() {
        return name;
    }

    /** Counts one attempt of {@code address} and says whether it may go ahead. */
    public Verdict admit(ClientAddress address) {
        if (table == null) {
            return Verdict.ADMITTED;
        }
        long now = nanoTime.getAsLong();
        Verdict verdict = table.apply(address, a -> new Bucket(), bucket -> bucket.attempt(now));
        if (!verdict.admitted()) {
            refusals.refused(name);
        }
        return verdict;
    }

    /** Addresses remembered now; never more than {@link #capacity()}. */
    public int trackedAddresses() {
        return table == null ? 0 : table.size();
    }

    public int capacity() {
        return table == null ? 0 : table.capacity();
    }

    /** One address's state; guarded by its table segment's lock. */
    private final class Bucket {
        private long windowStart;
        private int count;
        private long blockedUntil;
        private boolean started;
        private boolean blocked;

        Verdict attempt(long now) {
            if (blocked) {
                if (now - blockedUntil < 0) {
                    return refusal(blockedUntil - now);
                }
                blocked = false;
                started = false;
            }
            if (!started || now - windowStart >= windowNanos) {
                started = true;
                windowStart = now;
                count = 0;
            }
            if (count < burst) {
                count++;
                return Verdict.ADMITTED;
            }
            // A zero penalty blocks until the window ends; after any block a fresh window starts.
            blockedUntil = penaltyNanos > 0 ? now + penaltyNanos : windowStart + windowNanos;
            blocked = true;
            return refusal(blockedUntil - now);
        }

        private Verdict refusal(long nanos) {
            return new Verdict(false, Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(1), nanos)));
        }
    }
}
