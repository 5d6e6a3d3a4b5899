package io.commucat.ccp.server.admission;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A map from client address to per-address state with a fixed capacity: when it is full, the
 * entry touched least recently is dropped to make room (for a rate limiter, an address that has
 * been quiet longest, whose window has most likely ended anyway). Memory therefore stays bounded
 * under a flood from any number of addresses. Striped: {@link #STRIPES} independently locked
 * segments of {@code capacity / STRIPES} entries each, so event loops rarely wait for each other.
 * Thread-safe; {@link #apply} runs its function under the segment's lock.
 */
final class AddressTable<V> {

    static final int STRIPES = 16;

    private final Segment<V>[] segments;

    @SuppressWarnings("unchecked")
    AddressTable(int capacity) {
        if (capacity < STRIPES) {
            throw new IllegalArgumentException("capacity must be at least " + STRIPES);
        }
        segments = new Segment[STRIPES];
        for (int i = 0; i < STRIPES; i++) {
            segments[i] = new Segment<>(capacity / STRIPES);
        }
    }

    /** Runs {@code action} on the address's state, made by {@code create} when absent; atomic per address. */
    <R> R apply(ClientAddress address, Function<ClientAddress, V> create, Function<V, R> action) {
        Segment<V> segment = segments[spread(address.hashCode())];
        synchronized (segment) {
            V state = segment.get(address);
            if (state == null) {
                state = create.apply(address);
                segment.put(address, state);
            }
            return action.apply(state);
        }
    }

    /** Entries held now (an upper bound while others write). */
    int size() {
        int size = 0;
        for (Segment<V> segment : segments) {
            synchronized (segment) {
                size += segment.size();
            }
        }
        return size;
    }

    /** The most entries the table ever holds. */
    int capacity() {
        return segments[0].max * STRIPES;
    }

    private static int spread(int hash) {
        int h = hash ^ (hash >>> 16);
        return (h ^ (h >>> 8)) & (STRIPES - 1);
    }

    private static final class Segment<V> extends LinkedHashMap<ClientAddress, V> {
        private final int max;

        Segment(int max) {
            super(16, 0.75f, true);
            this.max = max;
        }

        @Override
        protected boolean removeEldestEntry(Map.Entry<ClientAddress, V> eldest) {
            return size() > max;
        }
    }
}
