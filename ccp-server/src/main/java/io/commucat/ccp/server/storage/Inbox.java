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
     * with an id at most {@code afterId}, at most {@code limit} of them.
     */
    List<Envelope> pending(String recipient, long afterId, Instant now, int limit) throws StorageException;

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
