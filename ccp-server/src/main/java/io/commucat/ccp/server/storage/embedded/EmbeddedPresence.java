package io.commucat.ccp.server.storage.embedded;

import io.commucat.ccp.server.storage.Presence;
import io.commucat.ccp.server.storage.PresenceSnapshot;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@link Presence} in this process, for a single node. Thread-safe and non-blocking apart from
 * map contention; never throws {@link io.commucat.ccp.server.storage.StorageException}.
 *
 * <p>Expiry is checked on every read, so an expired entry is never returned. Expired entries
 * are also swept from memory by writes, at most once per {@code purgeInterval}: the maps only
 * grow by writes, so this bounds them without a background thread. {@link #purgeExpired} sweeps
 * on demand.
 */
public final class EmbeddedPresence implements Presence {

    /** Default spacing of sweeps. */
    public static final Duration DEFAULT_PURGE_INTERVAL = Duration.ofSeconds(30);

    /** A value and the instant from which it is gone. */
    private record Expiring<T>(T value, Instant expiresAt) {
        boolean expiredAt(Instant now) {
            return !now.isBefore(expiresAt);
        }
    }

    private final ConcurrentMap<String, Expiring<PresenceSnapshot>> snapshots = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Expiring<String>> routes = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Duration purgeInterval;
    private final AtomicReference<Instant> nextPurge;

    public EmbeddedPresence() {
        this(Clock.systemUTC(), DEFAULT_PURGE_INTERVAL);
    }

    /**
     * @param clock tells entries' age; tests pass a clock they move
     * @param purgeInterval least time between two sweeps triggered by writes
     */
    public EmbeddedPresence(Clock clock, Duration purgeInterval) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (purgeInterval.isNegative()) {
            throw new IllegalArgumentException("purgeInterval must not be negative");
        }
        this.purgeInterval = purgeInterval;
        this.nextPurge = new AtomicReference<>(clock.instant().plus(purgeInterval));
    }

    @Override
    public void publish(PresenceSnapshot snapshot, Duration ttl) {
        Instant now = clock.instant();
        snapshots.put(snapshot.deviceId(), new Expiring<>(snapshot, expiry(now, ttl)));
        maybePurge(now);
    }

    @Override
    public Optional<PresenceSnapshot> find(String deviceId) {
        return live(snapshots, deviceId);
    }

    @Override
    public void setRoute(String deviceId, String nodeId, Duration ttl) {
        Objects.requireNonNull(nodeId, "nodeId");
        Instant now = clock.instant();
        routes.put(deviceId, new Expiring<>(nodeId, expiry(now, ttl)));
        maybePurge(now);
    }

    /** The previous entry is read and replaced in one step ({@link ConcurrentMap#put}). */
    @Override
    public Optional<String> takeRoute(String deviceId, String nodeId, Duration ttl) {
        Objects.requireNonNull(nodeId, "nodeId");
        Instant now = clock.instant();
        Expiring<String> previous = routes.put(deviceId, new Expiring<>(nodeId, expiry(now, ttl)));
        maybePurge(now);
        return previous == null || previous.expiredAt(now) ? Optional.empty() : Optional.of(previous.value());
    }

    /** Each device as {@link #publish} and {@link #takeRoute}; one sweep check for the batch. */
    @Override
    public Map<String, Optional<String>> takeRoutes(Collection<PresenceSnapshot> batch, Duration ttl) {
        Instant now = clock.instant();
        Instant expiresAt = expiry(now, ttl);
        Map<String, Optional<String>> previous = new HashMap<>();
        for (PresenceSnapshot snapshot : Presence.distinctDevices(batch)) {
            Objects.requireNonNull(snapshot.nodeId(), "nodeId");
            snapshots.put(snapshot.deviceId(), new Expiring<>(snapshot, expiresAt));
            Expiring<String> before = routes.put(snapshot.deviceId(), new Expiring<>(snapshot.nodeId(), expiresAt));
            previous.put(snapshot.deviceId(),
                    before == null || before.expiredAt(now) ? Optional.empty() : Optional.of(before.value()));
        }
        maybePurge(now);
        return previous;
    }

    @Override
    public Optional<String> route(String deviceId) {
        return live(routes, deviceId);
    }

    /** Each removal is a compare-and-delete inside the map's per-key lock. */
    @Override
    public void clear(String deviceId, String nodeId) {
        Objects.requireNonNull(nodeId, "nodeId");
        snapshots.computeIfPresent(deviceId, (id, entry) -> nodeId.equals(entry.value().nodeId()) ? null : entry);
        routes.computeIfPresent(deviceId, (id, entry) -> nodeId.equals(entry.value()) ? null : entry);
    }

    /**
     * Each device in one step under its snapshot's per-key lock, which a concurrent
     * {@link #takeRoutes} waits for before it writes the snapshot and then the route.
     */
    @Override
    public void clearEnded(Map<String, Instant> endedAt, String nodeId) {
        Objects.requireNonNull(nodeId, "nodeId");
        Instant now = clock.instant();
        endedAt.forEach((deviceId, end) -> snapshots.compute(deviceId, (id, entry) -> {
            if (entry != null && !entry.expiredAt(now) && nodeId.equals(entry.value().nodeId())
                    && entry.value().updatedAt() != null && entry.value().updatedAt().isAfter(end)) {
                return entry; // a newer session here: its snapshot and route stay
            }
            routes.computeIfPresent(id, (key, route) -> nodeId.equals(route.value()) ? null : route);
            return entry == null || nodeId.equals(entry.value().nodeId()) ? null : entry;
        }));
    }

    /** Always answers: it lives in this process. */
    @Override
    public boolean ping() {
        return true;
    }

    /** Removes every expired entry now; returns how many. */
    public int purgeExpired() {
        Instant now = clock.instant();
        return purge(snapshots, now) + purge(routes, now);
    }

    /** Entries held in memory, expired or not (for tests and metrics). */
    public int size() {
        return snapshots.size() + routes.size();
    }

    private <T> Optional<T> live(ConcurrentMap<String, Expiring<T>> map, String key) {
        Expiring<T> entry = map.get(key);
        if (entry == null) {
            return Optional.empty();
        }
        if (entry.expiredAt(clock.instant())) {
            map.remove(key, entry); // only this entry: a fresh one written meanwhile stays
            return Optional.empty();
        }
        return Optional.of(entry.value());
    }

    /** One caller wins the right to sweep; the others go on without waiting. */
    private void maybePurge(Instant now) {
        Instant due = nextPurge.get();
        if (!now.isBefore(due) && nextPurge.compareAndSet(due, now.plus(purgeInterval))) {
            purge(snapshots, now);
            purge(routes, now);
        }
    }

    private static <T> int purge(ConcurrentMap<String, Expiring<T>> map, Instant now) {
        int removed = 0;
        for (var e : map.entrySet()) {
            if (e.getValue().expiredAt(now) && map.remove(e.getKey(), e.getValue())) {
                removed++;
            }
        }
        return removed;
    }

    private static Instant expiry(Instant now, Duration ttl) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive: " + ttl);
        }
        return now.plus(ttl);
    }
}
