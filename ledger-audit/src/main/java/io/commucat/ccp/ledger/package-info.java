/**
 * Tamper-evident audit ledger (issue #11): append-only JSON Lines, each record hash-chained to
 * the one before it, written by one thread behind a bounded hand-off ({@link
 * io.commucat.ccp.ledger.QueuedLedger}) into a {@link io.commucat.ccp.ledger.LedgerSink}
 * ({@link io.commucat.ccp.ledger.FileLedger}, {@link io.commucat.ccp.ledger.StdoutLedger},
 * {@link io.commucat.ccp.ledger.NullLedger}); {@link io.commucat.ccp.ledger.LedgerVerifier}
 * checks a chain across rotated files. Format and policies: {@code docs/ledger.md}.
 */
package io.commucat.ccp.ledger;
