package io.commucat.ccp.server.connect;

import io.commucat.ccp.server.relay.Delivery;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * The established sessions of this node, by device. A device has at most one: a new session
 * replaces the old one, which is closed with an {@code Error} (issue #10). It also remembers
 * recent revocations for a while, for sessions still being established when one arrives.
 * Thread-safe.
 */
public final class SessionRegistry {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SessionRegistry.class);

    /**
     * How long a revocation is remembered: longer than any bootstrap may last (the bootstrap
     * deadline is at most 10 minutes), so a session whose device was resolved as active just
     * before it was revoked still meets the revocation when it registers.
     */
    static final Duration REVOCATION_MEMORY = Duration.ofMinutes(15);
    /** Revocations remembered at most (bounded memory whatever arrives on the bus). */
    static final int MAX_REMEMBERED_REVOCATIONS = 100_000;

    private final ConcurrentHashMap<String, ConnectSession> byDevice = new ConcurrentHashMap<>();
    /** Device id → when its revocation arrived ({@link #nanos}). */
    private final ConcurrentHashMap<String, Long> revokedAt = new ConcurrentHashMap<>();
    private final LongSupplier nanos;

    public SessionRegistry() {
        this(System::nanoTime);
    }

    /** @param nanos a monotonic clock in nanoseconds (tests move it) */
    SessionRegistry(LongSupplier nanos) {
        this.nanos = nanos;
    }

    /**
     * A bootstrap that read its device's inbox before its session registers here (the first
     * read rides in the bootstrap's storage task: one hand-off fewer per reconnect). Live
     * deliveries for the device between {@link #expect} and {@link #arrived} are noted, since the
     * read may have missed them and no session was registered to take them.
     */
    static final class Arrival {
        private final AtomicBoolean missed = new AtomicBoolean();
    }

    /** Device id → the bootstrap about to register a session for it. */
    private final ConcurrentHashMap<String, Arrival> arriving = new ConcurrentHashMap<>();

    /** Called before the bootstrap reads the device's inbox. */
    Arrival expect(String deviceId) {
        Arrival arrival = new Arrival();
        Arrival earlier = arriving.put(deviceId, arrival);
        if (earlier != null) {
            earlier.missed.set(true); // two bootstraps of one device: the earlier one reads again
        }
        return arrival;
    }

    /**
     * Called right after the session registered: whether a delivery may have gone past the
     * bootstrap's read (then the session reads the inbox again). A delivery either marks the
     * arrival before this looks, or finds the registered session itself: {@link #deliver} marks
     * first and looks up the session second, this registers first and looks second.
     */
    boolean arrived(String deviceId, Arrival arrival) {
        boolean mine = arriving.remove(deviceId, arrival);
        return !mine || arrival.missed.get();
    }

    /** The bootstrap ended without a session: forget its arrival. */
    void abandon(String deviceId, Arrival arrival) {
        arriving.remove(deviceId, arrival);
    }

    /** Envelopes may have committed unannounced (Redis was away): every bootstrap under way reads again. */
    public void arrivalsMayHaveMissed() {
        arriving.values().forEach(arrival -> arrival.missed.set(true));
    }

    /** How many bootstraps wait to register (for tests: none may be left behind). */
    int arrivals() {
        return arriving.size();
    }

    /** Makes {@code session} the device's session; returns the one it replaces, if any. */
    ConnectSession register(String deviceId, ConnectSession session) {
        return byDevice.put(deviceId, session);
    }

    /**
     * Forgets {@code session} unless a newer one already replaced it.
     *
     * @return whether {@code session} was still the device's session (when not, the device's
     *     presence belongs to the newer session and must be left alone)
     */
    boolean unregister(String deviceId, ConnectSession session) {
        return byDevice.remove(deviceId, session);
    }

    public ConnectSession find(String deviceId) {
        return byDevice.get(deviceId);
    }

    /**
     * Hands {@code delivery} to its recipient's session on that session's loop; nothing when the
     * device has no session here (a durable frame waits in the inbox). Never blocks.
     */
    public void deliver(Delivery delivery) {
        Arrival arrival = arriving.get(delivery.recipient());
        if (arrival != null) {
            arrival.missed.set(true);
        }
        ConnectSession target = byDevice.get(delivery.recipient());
        if (target != null) {
            target.onLoop(() -> target.deliver(delivery));
        }
    }

    /**
     * The device connected to another node at {@code since}: its session here ends as replaced,
     * unless it was established after that.
     */
    public void replaceFromAnotherNode(String deviceId, Instant since) {
        ConnectSession target = byDevice.get(deviceId);
        if (target != null) {
            target.onLoop(() -> target.replacedIfOlderThan(since));
        }
    }

    /**
     * The device was revoked: its session here, if any, ends on its loop with an {@code Error
     * revoked}, and a session of the device that registers within {@link #REVOCATION_MEMORY}
     * ends as soon as it does. Never blocks; idempotent.
     */
    public void revoke(String deviceId) {
        long now = nanos.getAsLong();
        revokedAt.values().removeIf(at -> now - at >= REVOCATION_MEMORY.toNanos());
        if (revokedAt.size() < MAX_REMEMBERED_REVOCATIONS) {
            revokedAt.put(deviceId, now);
        } else {
            // Not fatal: a session that registers unremembered ends at its first refresh (the
            // refresh fails for a revoked device), only later than at once.
            LOG.warn("{} revocations remembered already; {} not remembered for sessions still bootstrapping",
                    MAX_REMEMBERED_REVOCATIONS, deviceId);
        }
        ConnectSession target = byDevice.get(deviceId);
        if (target != null) {
            target.onLoop(target::revoked);
        }
    }

    /**
     * Whether the device was revoked recently. Asked by a session right after it registered:
     * either this sees the revocation or {@link #revoke} sees the session, whatever their order.
     */
    boolean recentlyRevoked(String deviceId) {
        Long at = revokedAt.get(deviceId);
        return at != null && nanos.getAsLong() - at < REVOCATION_MEMORY.toNanos();
    }

    /** How many revocations are remembered now (for tests of the bound). */
    int rememberedRevocations() {
        return revokedAt.size();
    }

    public int size() {
        return byDevice.size();
    }

    /** A snapshot of every established session (for shutdown). */
    public Collection<ConnectSession> all() {
        return List.copyOf(byDevice.values());
    }
}
