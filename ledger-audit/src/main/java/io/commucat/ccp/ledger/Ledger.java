package io.commucat.ccp.ledger;

import java.util.concurrent.CompletableFuture;

/**
 * The audit ledger as features see it: hand over an event, get a future receipt. Thread-safe.
 * The future completes once the record is written and flushed (persisted per the sink's
 * policy), or fails with a {@link LedgerException} (kind {@code CLOSED} or {@code
 * WRITE_FAILED}); an event is never dropped without its future saying so. Callbacks on the
 * future run on the writer thread: keep them short, or move on with {@code thenRunAsync}.
 */
public interface Ledger extends AutoCloseable {

    CompletableFuture<Receipt> append(LedgerEvent event);

    LedgerStats stats();

    /** Writes everything accepted so far, then closes the sink. Appends after this fail with CLOSED. */
    @Override
    void close() throws LedgerException;

    /** A ledger writing into {@code sink} from its own thread; see {@link QueuedLedger}. */
    static Ledger start(LedgerSink sink, QueueOptions options) {
        return QueuedLedger.start(sink, options);
    }
}
