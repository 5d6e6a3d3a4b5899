package io.commucat.ccp.ledger;

import java.io.IOException;

/**
 * Where sealed records go. One thread at a time: {@link QueuedLedger} calls it from its writer
 * thread only, so a sink owns its {@link Chain} without locks. A record is written (and
 * persisted as the sink's policy says) once {@link #commit()} returns; {@code append} may
 * buffer, which is what makes group commit possible.
 */
public interface LedgerSink extends AutoCloseable {

    /** Seals {@code event} into the next record of the chain and writes or buffers it. */
    Receipt append(LedgerEvent event) throws IOException;

    /** Writes what is buffered and flushes (and persists, per policy) it. */
    void commit() throws IOException;

    /** The chain's current head: the last record sealed. */
    ChainHead head();

    /** Commits and releases the sink. */
    @Override
    void close() throws IOException;
}
