package io.commucat.ccp.client;

import io.commucat.ccp.proto.FrameType;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The memory behind {@link Deduplication}: the last messages the application took, and whether
 * the current link is still in its head (where a server re-delivers). Used by one task at a time
 * (the session's dispatch chain); not thread-safe.
 */
final class DeliveryFilter {

    /** A delivered durable frame as the filter knows it: 16 bytes of its payload's SHA-256. */
    record Key(FrameType type, long channel, long digestHigh, long digestLow) {

        static Key of(FrameType type, long channel, byte[] payload) {
            try {
                ByteBuffer digest = ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(payload));
                return new Key(type, channel, digest.getLong(), digest.getLong());
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JDK has SHA-256", e);
            }
        }
    }

    private final Deduplication mode;
    // Made at the first delivery: an idle session carries none of it.
    private ArrayDeque<Key> order;
    private Map<Key, Integer> counts;
    private long link = -1;
    private boolean head;

    DeliveryFilter(Deduplication mode) {
        this.mode = mode;
    }

    /** Whether the application should see {@code key}, which arrived on link {@code linkId}. */
    boolean admit(long linkId, Key key) {
        if (linkId != link) {
            link = linkId;
            head = true;
        }
        boolean seen = counts != null && counts.containsKey(key);
        if (head && !seen) {
            head = false; // newer than anything re-delivered: the head is over
        }
        return !seen || !(head || mode.byContent());
    }

    /** The application took {@code key} (its handler returned). */
    void delivered(Key key) {
        if (order == null) {
            order = new ArrayDeque<>();
            counts = new HashMap<>();
        }
        order.addLast(key);
        counts.merge(key, 1, Integer::sum);
        if (order.size() > mode.window()) {
            Key oldest = order.removeFirst();
            counts.computeIfPresent(oldest, (k, n) -> n == 1 ? null : n - 1);
        }
    }
}
