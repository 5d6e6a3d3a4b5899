package io.commucat.ccp.server.storage;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Envelopes queued per device until the device acknowledges them (at-least-once; ccp-1.md
 * §4.2). Each device's {@link InboxUsage} (envelopes and payload bytes waiting) is kept in the
 * same transactions, so a quota is checked without counting rows; every change to one device's
 * envelopes is serialised on its usage (across nodes too). Blocking, thread-safe.
 */
public interface Inbox {

    /**
     * What became of one frame's envelopes in {@link #enqueue(List, InboxQuota)}.
     *
     * @param queued      the envelopes with their ids, in the order given; empty when refused
     * @param overQuota   the first recipient whose inbox the frame would have taken past the
     *                    quota (nothing was queued for anyone), else {@code null}
     * @param usage       that recipient's usage when it was refused, else {@code null}
     */
    record Admission(List<Envelope> queued, String overQuota, InboxUsage usage) {

        public Admission {
            queued = List.copyOf(queued);
        }

        public static Admission queued(List<Envelope> envelopes) {
            return new Admission(envelopes, null, null);
        }

        public static Admission refused(String recipient, InboxUsage usage) {
            return new Admission(List.of(), Objects.requireNonNull(recipient), Objects.requireNonNull(usage));
        }

        public boolean admitted() {
            return overQuota == null;
        }
    }

    /**
     * Queues frames, each a list of envelopes (one per recipient), in one transaction: a frame
     * is queued for all its recipients or, when one of them would go past {@code quota}, for
     * none. Frames are admitted in the order given, each counted against what the ones before
     * it took. All admitted envelopes are durable when this returns, or none is (exception).
     *
     * @return one admission per frame, in the order given
     */
    default List<Admission> enqueue(List<List<Envelope>> frames, InboxQuota quota) throws StorageException {
        return write(frames, quota, List.of()).admissions();
    }

    /**
     * What one {@link #write} did.
     *
     * @param admissions one per frame, in the order given
     * @param deleted    how many of the acknowledged envelopes existed (and are gone now)
     */
    record Written(List<Admission> admissions, int deleted) {

        public Written {
            admissions = List.copyOf(admissions);
        }
    }

    /**
     * Deletes the acknowledged envelopes (each only where it belongs to that recipient) and
     * queues the frames as {@link #enqueue(List, InboxQuota)} does, all in one transaction, so a
     * writer that has both pays one commit. The deletions come first: what they free counts
     * for the quota. Everything is durable when this returns, or nothing changed (exception).
     */
    Written write(List<List<Envelope>> frames, InboxQuota quota, Collection<Acknowledgement> acknowledgements)
            throws StorageException;

    /**
     * Queues every envelope in one transaction without a quota: all are durable when this
     * returns, or none is.
     *
     * @return the envelopes with their assigned ids, in the order given
     */
    default List<Envelope> enqueue(List<Envelope> envelopes) throws StorageException {
        if (envelopes.isEmpty()) {
            return List.of();
        }
        return enqueue(List.of(envelopes), InboxQuota.UNLIMITED).get(0).queued();
    }

    /** The device's usage now (zero for a device with nothing queued). */
    InboxUsage usage(String recipient) throws StorageException;

    /**
     * The device's envelopes that have not expired at {@code now}, oldest first, skipping those
     * with an id at most {@code afterId}: at most {@code limit} of them, and no more than fit
     * in {@code maxBytes} of payload together, except that the first is always returned
     * whatever its size (so a reader with any room gets the largest envelope too). The page
     * says whether more envelopes were left for a later read.
     */
    InboxPage pending(String recipient, long afterId, Instant now, int limit, long maxBytes)
            throws StorageException;

    /** Deletes the device's envelopes with these ids; returns how many there were. */
    int acknowledge(String recipient, Collection<Long> ids) throws StorageException;

    /**
     * Deletes each acknowledged envelope (only when it belongs to that recipient), all in one
     * transaction; returns how many there were.
     */
    default int acknowledgeAll(Collection<Acknowledgement> acknowledgements) throws StorageException {
        return write(List.of(), InboxQuota.UNLIMITED, acknowledgements).deleted();
    }

    /** Deletes envelopes expired at {@code now}; returns how many. */
    int purgeExpired(Instant now) throws StorageException;
}
