package io.commucat.ccp.ledger;

/**
 * Counters of a {@link QueuedLedger}: events accepted, written (committed), failed, and taken
 * over capacity from threads that must not wait; {@code queued} is waiting right now.
 */
public record LedgerStats(long appended, long written, long failed, long overflowed, int queued) {
}
