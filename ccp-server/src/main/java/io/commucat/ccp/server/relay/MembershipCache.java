package io.commucat.ccp.server.relay;

import io.commucat.ccp.server.storage.Channel;
import io.commucat.ccp.server.storage.ChannelMember;
import io.commucat.ccp.server.storage.Channels;
import io.commucat.ccp.server.storage.StorageException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * A node-local copy of each busy channel's active members, so that a session batch of Msgs does
 * not read its channel from the database (it did: one {@code SELECT} per batch, most of
 * PostgreSQL's transactions in the relay runs of docs/benchmarks.md).
 *
 * <p>Kept current in three ways: a change made here ({@link #changedHere}) drops the entry at
 * once and is announced to the other nodes (the bus's {@code ChannelChanged} broadcast), which
 * drop theirs ({@link #changedElsewhere}); and every entry expires after {@code ttl}, so an
 * announcement lost with the bus (at most once) leaves stale membership for {@code ttl} at most.
 * A read that raced a change is not stored: every change bumps an epoch, and an entry read
 * before the latest change is discarded rather than cached. Absent channels are not cached.
 * At most {@code maxEntries} channels are held; past that the cache starts over.
 *
 * <p>Blocking on a miss (storage); thread-safe.
 */
public final class MembershipCache {

    /** How long an entry is served without a change being heard of. */
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_ENTRIES = 100_000;
    /**
     * JVM system property overriding {@link #DEFAULT_TTL} in milliseconds, 0 turning the cache off:
     * a measurement knob (docs/benchmarks.md compares both in one build), not a setting.
     */
    public static final String TTL_PROPERTY = "ccp.relay.membership_cache_ttl_ms";

    /** The active members of a channel when it was read, and when that was. */
    private record Entry(List<String> active, long readAt) {
    }

    private final Channels channels;
    private final long ttlNanos;
    private final int maxEntries;
    private final LongConsumer announce;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<Long, Entry> entries = new ConcurrentHashMap<>();
    /** Bumped by every change; guarded by this for the check-and-store of a read. */
    private long epoch;

    /**
     * @param announce tells the other nodes that a channel changed (the bus); may throw nothing
     * @param nanoClock {@link System#nanoTime} outside tests
     */
    public MembershipCache(Channels channels, Duration ttl, int maxEntries, LongConsumer announce,
            LongSupplier nanoClock) {
        this.channels = Objects.requireNonNull(channels, "channels");
        this.ttlNanos = ttl.toNanos();
        this.maxEntries = maxEntries;
        this.announce = Objects.requireNonNull(announce, "announce");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /** {@link #DEFAULT_TTL}, or what {@link #TTL_PROPERTY} says. */
    public static Duration configuredTtl() {
        String millis = System.getProperty(TTL_PROPERTY);
        try {
            return millis == null ? DEFAULT_TTL : Duration.ofMillis(Math.max(0, Long.parseLong(millis.trim())));
        } catch (NumberFormatException e) {
            return DEFAULT_TTL;
        }
    }

    /** No cache: every lookup reads storage (tests and tools that build a Relay alone). */
    public static MembershipCache disabled(Channels channels) {
        return new MembershipCache(channels, Duration.ZERO, 0, channel -> { }, System::nanoTime);
    }

    /**
     * The active members other than {@code sender} that a frame from it reaches, or empty when
     * the sender is not an active member (or the channel does not exist), as
     * {@link Channels#recipients}.
     */
    public Optional<List<String>> recipients(long channelId, String sender) throws StorageException {
        if (ttlNanos <= 0) {
            return channels.recipients(channelId, sender);
        }
        Entry entry = entries.get(channelId);
        long now = nanoClock.getAsLong();
        if (entry == null || now - entry.readAt() >= ttlNanos) {
            entry = read(channelId, now);
            if (entry == null) {
                return Optional.empty();
            }
        }
        List<String> active = entry.active();
        if (!active.contains(sender)) {
            return Optional.empty();
        }
        List<String> others = new ArrayList<>(active.size() - 1);
        for (String device : active) {
            if (!device.equals(sender)) {
                others.add(device);
            }
        }
        return Optional.of(others);
    }

    private Entry read(long channelId, long now) throws StorageException {
        long before;
        synchronized (this) {
            before = epoch;
        }
        Optional<Channel> channel = channels.find(channelId);
        if (channel.isEmpty()) {
            return null;
        }
        Channel ch = channel.get();
        List<String> active = new ArrayList<>(ch.members().size());
        for (ChannelMember member : ch.members()) {
            if (Channels.active(ch, member)) {
                active.add(member.deviceId());
            }
        }
        Entry entry = new Entry(List.copyOf(active), now);
        synchronized (this) {
            if (epoch == before) {
                if (entries.size() >= maxEntries) {
                    entries.clear();
                }
                entries.put(channelId, entry);
            }
        }
        return entry;
    }

    /** A change on this node (Join, Leave, a group's): dropped here, then announced to the others. */
    public void changedHere(long channelId) {
        changedElsewhere(channelId);
        if (ttlNanos > 0) {
            announce.accept(channelId);
        }
    }

    /** Another node changed the channel. Never blocks. */
    public void changedElsewhere(long channelId) {
        synchronized (this) {
            epoch++;
            entries.remove(channelId);
        }
    }

    /** Drops everything, e.g. when announcements may have been missed. Never blocks. */
    public void clear() {
        synchronized (this) {
            epoch++;
            entries.clear();
        }
    }

    /** Channels held now (for tests and metrics). */
    public int size() {
        return entries.size();
    }
}
