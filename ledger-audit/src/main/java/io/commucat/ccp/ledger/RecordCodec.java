package io.commucat.ccp.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/** Builds a record's JSON tree from an event and its chain position; the one place for the layout. */
final class RecordCodec {

    /** RFC 3339 in UTC with exactly three fraction digits, so equal instants print equally. */
    static final DateTimeFormatter RECORDED_AT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private RecordCodec() {
    }

    /** The record without {@code hash}: the content the hash covers. */
    static ObjectNode unsealed(long seq, Instant recordedAt, LedgerEvent event, String prev) {
        ObjectNode node = NODES.objectNode();
        event.fields().forEach((name, value) -> node.set(name, toNode(value)));
        node.put(RecordFields.SEQ, seq);
        node.put(RecordFields.RECORDED_AT, RECORDED_AT.format(recordedAt));
        node.put(RecordFields.SCOPE, event.scope());
        if (event.action() != null) {
            node.put(RecordFields.ACTION, event.action());
        }
        if (event.result() != null) {
            node.put(RecordFields.RESULT, event.result());
        }
        node.put(RecordFields.PREV, prev);
        return node;
    }

    private static JsonNode toNode(Object value) {
        if (value == null) {
            return NODES.nullNode();
        }
        if (value instanceof String s) {
            return NODES.textNode(s);
        }
        if (value instanceof Boolean b) {
            return NODES.booleanNode(b);
        }
        if (value instanceof Long l) {
            return NODES.numberNode(l);
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode node = NODES.objectNode();
            map.forEach((k, v) -> node.set((String) k, toNode(v)));
            return node;
        }
        if (value instanceof List<?> list) {
            ArrayNode node = NODES.arrayNode();
            list.forEach(item -> node.add(toNode(item)));
            return node;
        }
        throw new IllegalStateException("EventFields admits no " + value.getClass());
    }
}
