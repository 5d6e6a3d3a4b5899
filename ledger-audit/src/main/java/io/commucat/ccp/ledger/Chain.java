package io.commucat.ccp.ledger;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Arrays;

/**
 * The running end of a chain: seals events into records, one after another. Confined to the
 * writer thread, so {@code seq} needs no atomics and can never repeat or skip.
 */
final class Chain {

    private ChainHead head;

    Chain(ChainHead start) {
        this.head = start;
    }

    ChainHead head() {
        return head;
    }

    SealedRecord seal(LedgerEvent event, Instant recordedAt) {
        long seq = head.seq() + 1;
        ObjectNode node = RecordCodec.unsealed(seq, recordedAt, event, head.hash());
        String hash = RecordHash.of(CanonicalJson.bytes(node));
        node.put(RecordFields.HASH, hash);
        byte[] json = CanonicalJson.bytes(node);
        byte[] line = Arrays.copyOf(json, json.length + 1);
        line[json.length] = '\n';
        head = new ChainHead(seq, hash);
        return new SealedRecord(seq, hash, recordedAt.toEpochMilli(), line);
    }
}
