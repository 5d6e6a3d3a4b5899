package io.commucat.ccp.ledger;

import java.util.Objects;

/**
 * Where a chain stands: the {@code seq} and {@code hash} of its last record. An operator who
 * writes the head down elsewhere (a ticket, another system) can later prove that nothing was
 * cut from the end, which a chain alone cannot show.
 */
public record ChainHead(long seq, String hash) {

    /** {@code prev} of the first record ever: 64 zeros, the width of a SHA-256 hex digest. */
    public static final String GENESIS_HASH = "0".repeat(64);
    /** The head before the first record. */
    public static final ChainHead GENESIS = new ChainHead(0, GENESIS_HASH);

    public ChainHead {
        if (seq < 0) {
            throw new IllegalArgumentException("seq < 0");
        }
        Objects.requireNonNull(hash, "hash");
    }
}
