package io.commucat.ccp.ledger;

/** A record with its place in the chain, and the exact line (canonical JSON and '\n') to write. */
record SealedRecord(long seq, String hash, long recordedAtMillis, byte[] line) {

    Receipt receipt() {
        return new Receipt(seq, hash);
    }

    ChainHead head() {
        return new ChainHead(seq, hash);
    }
}
