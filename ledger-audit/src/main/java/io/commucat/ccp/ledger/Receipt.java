package io.commucat.ccp.ledger;

/** Proof that an event was written (and flushed per the policy): its place in the chain. */
public record Receipt(long seq, String hash) {
}
