package io.commucat.ccp.server.audit;

import io.commucat.ccp.server.admission.ClientAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which handshake failures are written one by one and which are only counted: the first
 * {@code perAddress} failures of an address in an interval are written as always; later ones of
 * the same address are counted into one {@link Summary} that {@link #drain()} hands out when the
 * interval ends. At most
 * {@code capacity} addresses are tracked per interval; failures of further addresses go, counted,
 * into one summary for all of them ({@code address} null), so neither memory nor the records
 * written per interval grow with the number of addresses beyond that. Thread-safe.
 */
final class RepeatedFailures {

    /**
     * Failures of one address (or, {@code address} null, of the untracked ones) that were counted
     * but not written one by one.
     *
     * @param reasons count per failure reason ({@code handshake}, {@code decode}, ...)
     */
    record Summary(ClientAddress address, long count, Map<String, Long> reasons, Instant firstAt, Instant lastAt) {
    }

    private final int perAddress;
    private final int capacity;
    private Map<ClientAddress, Tally> interval = new HashMap<>();
    private Tally untracked;

    RepeatedFailures(int perAddress, int capacity) {
        this.perAddress = perAddress;
        this.capacity = capacity;
    }

    /** True while the address has failed at most {@code perAddress} times this interval (write it); else it was counted. */
    synchronized boolean writeOneByOne(ClientAddress address, String reason, Instant now) {
        Tally tally = interval.get(address);
        if (tally == null) {
            if (interval.size() < capacity) {
                tally = new Tally();
                interval.put(address, tally);
            } else {
                if (untracked == null) {
                    untracked = new Tally();
                }
                untracked.add(reason, now);
                return false;
            }
        }
        if (tally.written < perAddress) {
            tally.written++;
            return true;
        }
        tally.add(reason, now);
        return false;
    }

    /** Ends the interval: the summaries of everything counted in it, tracked addresses first. */
    synchronized List<Summary> drain() {
        List<Summary> summaries = new ArrayList<>();
        interval.forEach((address, tally) -> {
            if (tally.count > 0) {
                summaries.add(tally.summary(address));
            }
        });
        if (untracked != null) {
            summaries.add(untracked.summary(null));
        }
        interval = new HashMap<>();
        untracked = null;
        return summaries;
    }

    private static final class Tally {
        private int written;
        private long count;
        private final Map<String, Long> reasons = new TreeMap<>();
        private Instant firstAt;
        private Instant lastAt;

        void add(String reason, Instant now) {
            count++;
            reasons.merge(reason, 1L, Long::sum);
            if (firstAt == null) {
                firstAt = now;
            }
            lastAt = now;
        }

        Summary summary(ClientAddress address) {
            return new Summary(address, count, Map.copyOf(reasons), firstAt, lastAt);
        }
    }
}
