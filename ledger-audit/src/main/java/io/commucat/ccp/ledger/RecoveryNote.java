package io.commucat.ccp.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code recover} record that opens a file after a damaged tail: writing it and recognising it. */
final class RecoveryNote {

    private RecoveryNote() {
    }

    static LedgerEvent rotation(Path previous) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put(RecordFields.PREVIOUS_FILE, previous.getFileName().toString());
        return LedgerEvent.action(RecordFields.LEDGER_SCOPE, RecordFields.ROTATE, fields);
    }

    static LedgerEvent recovery(Path damaged, long line, FailureKind kind, String detail) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put(RecordFields.PREVIOUS_FILE, damaged.getFileName().toString());
        fields.put(RecordFields.DAMAGED_LINE, line);
        fields.put(RecordFields.DAMAGE, kind.name());
        fields.put(RecordFields.DETAIL, detail);
        return LedgerEvent.action(RecordFields.LEDGER_SCOPE, RecordFields.RECOVER, fields);
    }

    /**
     * Whether the first line of {@code next} is a sound {@code recover} record for {@code
     * damaged} at {@code line}, continuing {@code head} (the last good record before the damage;
     * {@code null} when the damage is the first line of the first file given).
     */
    static boolean acknowledges(Path next, Path damaged, long line, ChainHead head) {
        LineReader.Line first;
        try (LineReader reader = new LineReader(next)) {
            first = reader.next();
        } catch (IOException e) {
            return false;
        }
        if (first == null || !(RecordCheck.check(first) instanceof RecordCheck.Parsed record)) {
            return false;
        }
        JsonNode node = record.node();
        boolean names = RecordFields.RECOVER.equals(node.path(RecordFields.ACTION).asText())
                && record.isContinuation()
                && record.previousFile().equals(damaged.getFileName().toString())
                && node.path(RecordFields.DAMAGED_LINE).asLong(-1) == line;
        boolean links = head == null || (record.seq() == head.seq() + 1 && record.prev().equals(head.hash()));
        return names && links;
    }
}
