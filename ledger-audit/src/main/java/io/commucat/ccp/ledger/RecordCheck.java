package io.commucat.ccp.ledger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;

/**
 * Checks one line on its own: parsable, a record, its hash matches its content, and its bytes
 * are the canonical form (so even bytes outside the hashed content cannot change unnoticed).
 * Messages never quote the line: it may be attacker-written.
 */
final class RecordCheck {

    /** The outcome for one line. */
    sealed interface Checked permits Parsed, Fault {
    }

    /** A line that is a well-formed, self-consistent record. */
    record Parsed(long seq, String prev, String hash, JsonNode node) implements Checked {

        ChainHead head() {
            return new ChainHead(seq, hash);
        }

        /** The first record of a file opened by rotation or recovery. */
        boolean isContinuation() {
            return RecordFields.LEDGER_SCOPE.equals(node.path(RecordFields.SCOPE).asText())
                    && (RecordFields.ROTATE.equals(node.path(RecordFields.ACTION).asText())
                            || RecordFields.RECOVER.equals(node.path(RecordFields.ACTION).asText()))
                    && node.path(RecordFields.PREVIOUS_FILE).isTextual();
        }

        String previousFile() {
            return node.path(RecordFields.PREVIOUS_FILE).asText();
        }
    }

    /** Why a line is not a self-consistent record. */
    record Fault(FailureKind kind, String message) implements Checked {
    }

    private RecordCheck() {
    }

    static Checked check(LineReader.Line line) {
        if (line.oversized()) {
            return new Fault(FailureKind.UNPARSABLE, "line longer than " + LineReader.MAX_LINE_BYTES + " bytes");
        }
        if (!line.terminated()) {
            return new Fault(FailureKind.TRUNCATED, "last line ends without a newline: a write was cut short");
        }
        if (line.bytes().length == 0) {
            return new Fault(FailureKind.UNPARSABLE, "empty line");
        }
        JsonNode node;
        try {
            node = CanonicalJson.parse(line.bytes());
        } catch (JsonProcessingException e) {
            long column = e.getLocation() == null ? -1 : e.getLocation().getColumnNr();
            return new Fault(FailureKind.UNPARSABLE, "not valid JSON" + (column > 0 ? " (column " + column + ")" : ""));
        }
        if (node == null || !node.isObject()) {
            return new Fault(FailureKind.UNPARSABLE, "not a JSON object");
        }
        JsonNode seq = node.get(RecordFields.SEQ);
        if (seq == null || !seq.isIntegralNumber() || !seq.canConvertToLong() || seq.longValue() < 1) {
            return new Fault(FailureKind.MALFORMED, "seq missing or not a positive integer");
        }
        String prev = node.path(RecordFields.PREV).textValue();
        String hash = node.path(RecordFields.HASH).textValue();
        if (!RecordHash.isHash(prev) || !RecordHash.isHash(hash)) {
            return new Fault(FailureKind.MALFORMED, "prev or hash missing or not 64 lowercase hex digits");
        }
        ObjectNode content = ((ObjectNode) node).deepCopy();
        content.remove(RecordFields.HASH);
        if (!RecordHash.of(CanonicalJson.bytes(content)).equals(hash)) {
            return new Fault(FailureKind.EDITED, "content does not match its hash");
        }
        if (!Arrays.equals(CanonicalJson.bytes(node), line.bytes())) {
            return new Fault(FailureKind.EDITED, "bytes differ from the canonical form of the record");
        }
        return new Parsed(seq.longValue(), prev, hash, node);
    }
}
