package io.commucat.ccp.server.storage;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * Envelopes queued per device until the device acknowledges them (at-least-once; ccp-1.md
 * §4.2). Blocking, thread-safe.
 */
public interface Inbox {

    /**
     * Queues every envelope in one transaction: all are durable when this returns, or none is.
     *
     * @return the envelopes with their assigned ids, in the order given
     */
    List<Envelope> enqueue(List<Envelope> envelopes) throws StorageException;

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
    int acknowledgeAll(Collection<Acknowledgement> acknowledgements) throws StorageException;

    /** Deletes envelopes expired at {@code now}; returns how many. */
    int purgeExpired(Instant now) throws StorageException;
}
