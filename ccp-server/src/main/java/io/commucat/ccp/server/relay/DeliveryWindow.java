package io.commucat.ccp.server.relay;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The durable deliveries of one session that the device has not acknowledged yet, and whether
 * the inbox may hold more for it (ccp-1.md §4.2, delivery guarantee). Confined to the session's
 * event loop; not thread-safe.
 *
 * <p>At most {@code capacity} envelopes are in flight, and a durable delivery goes out only while
 * the device's reader has room (the caller says so). What does not fit stays in the inbox and
 * is pulled when acknowledgements free half the window or the reader drains; while the inbox may hold older
 * envelopes ({@link #backlog}), live deliveries wait there too, so the device receives a
 * sender's frames in the order they were queued. A new session of a known device starts with a
 * backlog: whatever an earlier session left unacknowledged is delivered again.
 */
public final class DeliveryWindow {

    /** What to do with a live delivery. */
    public enum Offer {
        /** Send it now. */
        SEND,
        /** It is already in flight (a pull found it first). */
        DUPLICATE,
        /** It stays in the inbox; a later pull delivers it. */
        DEFERRED
    }

    private final int capacity;
    /** Sequence the envelope was sent with → envelope id; created on first use (idle sessions stay small). */
    private Map<Long, Long> bySequence;
    private Map<Long, Long> byEnvelope;
    /** Acknowledged envelopes whose deletion has not committed yet: a pull must not send them again. */
    private Set<Long> acknowledged;
    /**
     * Deletions that committed while a pull was reading: its snapshot may predate them, so their
     * ids stay in {@link #acknowledged} until that pull is done.
     */
    private List<Long> deletedDuringPull;
    /** Pulls read envelopes after this id; everything up to it was sent or is settled. */
    private long cursor;
    private boolean backlog;
    private boolean pulling;
    private boolean pullStopped;
    private boolean missedDuringPull;

    /**
     * @param inboxMayHoldEnvelopes whether to start with a pull; false only for a device that did
     *     not exist before this session (nothing can have been queued for it)
     */
    public DeliveryWindow(int capacity, boolean inboxMayHoldEnvelopes) {
        if (capacity < 2) {
            throw new IllegalArgumentException("capacity must be at least 2");
        }
        this.capacity = capacity;
        this.backlog = inboxMayHoldEnvelopes;
    }

    /**
     * @param readerHasRoom whether the device's reader can take another frame now; without room
     *     the delivery stays in the inbox and a later pull sends it
     */
    public Offer offerLive(long envelopeId, boolean readerHasRoom) {
        // At or below the cursor a pull already sent it or found it settled: a live offer that
        // arrives late (its bus message overtaken by the pull, the Ack and the deletion) would
        // otherwise be sent again once its deletion is forgotten. A recipient's envelopes commit
        // in id order (JdbcInbox locks the recipient's usage row before drawing ids), so a pull
        // never passes an id it could not see.
        if (envelopeId <= cursor || inFlight(envelopeId) || settled(envelopeId)) {
            return Offer.DUPLICATE;
        }
        if (backlog || free() == 0 || !readerHasRoom) {
            backlog = true;
            if (pulling) {
                missedDuringPull = true;
            }
            return Offer.DEFERRED;
        }
        return Offer.SEND;
    }

    /**
     * Whether a pulled envelope is to be sent now. Pulled envelopes are offered in id order; once
     * one does not fit (the window is full or the reader has no room), the rest of the pull is
     * left for the next one.
     */
    public boolean offerPulled(long envelopeId, boolean readerHasRoom) {
        if (pullStopped) {
            return false;
        }
        if (inFlight(envelopeId) || settled(envelopeId)) {
            cursor = Math.max(cursor, envelopeId);
            return false;
        }
        if (free() == 0 || !readerHasRoom) {
            pullStopped = true;
            missedDuringPull = true;
            return false;
        }
        cursor = Math.max(cursor, envelopeId);
        return true;
    }

    /** The envelope went out with {@code sequence}. */
    public void sent(long sequence, long envelopeId) {
        if (bySequence == null) {
            bySequence = new HashMap<>();
            byEnvelope = new HashMap<>();
        }
        bySequence.put(sequence, envelopeId);
        byEnvelope.put(envelopeId, sequence);
    }

    /**
     * The device acknowledged {@code sequence}.
     *
     * @return the envelope it delivered, or 0 when the sequence was no durable delivery in flight
     */
    public long acknowledge(long sequence) {
        Long envelopeId = bySequence == null ? null : bySequence.remove(sequence);
        if (envelopeId == null) {
            return 0;
        }
        byEnvelope.remove(envelopeId);
        if (acknowledged == null) {
            acknowledged = new HashSet<>();
        }
        acknowledged.add(envelopeId);
        return envelopeId;
    }

    /** Their deletion committed: pulls that start from now on no longer see them. */
    public void deleted(Collection<Long> envelopeIds) {
        if (acknowledged == null) {
            return;
        }
        if (pulling) {
            if (deletedDuringPull == null) {
                deletedDuringPull = new ArrayList<>();
            }
            deletedDuringPull.addAll(envelopeIds);
        } else {
            acknowledged.removeAll(envelopeIds);
        }
    }

    /**
     * The inbox may hold envelopes no live offer announced (bus messages lost while Redis was
     * away): the next pull reads from the {@link #cursor()} again, and live deliveries are
     * deferred until a pull finds nothing more. What is in flight or settled is never sent twice.
     */
    public void mayHoldMore() {
        backlog = true;
        if (pulling) {
            // The pull in progress may have read before those envelopes committed.
            missedDuringPull = true;
        }
    }

    /** Whether to pull from the inbox now: it may hold more, and half the window is free. */
    public boolean shouldPull() {
        return backlog && !pulling && free() >= Math.max(1, capacity / 2);
    }

    /**
     * A pull starts: read at most the returned number of envelopes after {@link #cursor()}.
     */
    public int startPull() {
        pulling = true;
        pullStopped = false;
        missedDuringPull = false;
        return free();
    }

    public long cursor() {
        return cursor;
    }

    /**
     * The pull came back.
     *
     * @param more whether the inbox held more than the pull read (its count or byte limit cut it)
     */
    public void pullDone(boolean more) {
        endPull();
        backlog = more || missedDuringPull;
    }

    /** The pull failed; the backlog stays, and the next acknowledgement or refresh tries again. */
    public void pullFailed() {
        endPull();
        backlog = true;
    }

    private void endPull() {
        pulling = false;
        if (deletedDuringPull != null) {
            acknowledged.removeAll(deletedDuringPull);
            deletedDuringPull = null;
        }
    }

    public boolean backlog() {
        return backlog;
    }

    public int size() {
        return bySequence == null ? 0 : bySequence.size();
    }

    public int free() {
        return capacity - size();
    }

    private boolean inFlight(long envelopeId) {
        return byEnvelope != null && byEnvelope.containsKey(envelopeId);
    }

    private boolean settled(long envelopeId) {
        return acknowledged != null && acknowledged.contains(envelopeId);
    }
}
