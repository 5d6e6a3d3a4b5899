package io.commucat.ccp.server.connect;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * When each established session of a node is due for its keepalive refresh: a wheel of
 * {@code interval / tick} slots, one per tick. A member joins the slot that comes round again
 * one interval after it joined, and is due every time the wheel passes that slot. So each member
 * is due once per interval (never later; up to a tick earlier), and the node's refreshes are
 * spread over the interval as its sessions' establishments were, instead of one timer each.
 *
 * <p>Threading: {@link #add} and {@link Entry#cancel} from any thread; {@link #due} from one
 * thread at a time (the refresher's).
 */
public final class KeepaliveSchedule<T> {

    /** The longest tick: at the default 30 s interval, 30 slots. */
    static final Duration MAX_TICK = Duration.ofSeconds(1);

    /** A member's place on the wheel. */
    public final class Entry {
        private final T member;
        private final int slot;

        private Entry(T member, int slot) {
            this.member = member;
            this.slot = slot;
        }

        /** The member is no longer due (its session ended); idempotent. */
        public void cancel() {
            slots.get(slot).remove(this);
        }
    }

    private final long tickNanos;
    private final List<Set<Entry>> slots;
    private final LongSupplier nanos;
    private final long start;
    /** The last tick whose slot {@link #due} handed out; written by one thread, read by {@link #add}. */
    private volatile long lastTick;

    /** On {@link System#nanoTime}. */
    public KeepaliveSchedule(Duration interval) {
        this(interval, System::nanoTime);
    }

    /** @param nanos a monotonic clock in nanoseconds (tests move it) */
    KeepaliveSchedule(Duration interval, LongSupplier nanos) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
        Duration tick = interval.compareTo(MAX_TICK) < 0 ? interval : MAX_TICK;
        this.tickNanos = tick.toNanos();
        // Rounded down: a member is due at most a tick early, never late.
        int count = (int) Math.max(1, interval.toNanos() / tickNanos);
        List<Set<Entry>> wheel = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            wheel.add(ConcurrentHashMap.newKeySet());
        }
        this.slots = List.copyOf(wheel);
        this.nanos = Objects.requireNonNull(nanos, "nanos");
        this.start = nanos.getAsLong();
    }

    /** How often {@link #due} is worth asking. */
    public Duration tick() {
        return Duration.ofNanos(tickNanos);
    }

    /** {@code member} is due one interval from now, then every interval, until its entry is cancelled. */
    public Entry add(T member) {
        Objects.requireNonNull(member, "member");
        // The slot just handed out comes round again in one interval.
        Entry entry = new Entry(member, (int) (lastTick % slots.size()));
        slots.get(entry.slot).add(entry);
        return entry;
    }

    /**
     * The members due since the last call: those of every slot whose tick has come. After a
     * pause of more than an interval, each member once.
     */
    public List<T> due() {
        long now = (nanos.getAsLong() - start) / tickNanos;
        long from = Math.max(lastTick + 1, now - slots.size() + 1);
        List<T> due = new ArrayList<>();
        for (long tick = from; tick <= now; tick++) {
            for (Entry entry : slots.get((int) (tick % slots.size()))) {
                due.add(entry.member);
            }
        }
        if (now > lastTick) {
            lastTick = now;
        }
        return due;
    }

    /** Members on the wheel (for tests and metrics). */
    public int size() {
        int size = 0;
        for (Set<Entry> slot : slots) {
            size += slot.size();
        }
        return size;
    }
}
