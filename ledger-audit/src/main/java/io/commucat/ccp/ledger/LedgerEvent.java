package io.commucat.ccp.ledger;

import java.util.Map;
import java.util.Objects;

/**
 * One audit event as a feature reports it: a {@code scope} ({@code handshake}, {@code admin}),
 * an {@code action} and/or a {@code result}, and metadata fields. The ledger adds {@code seq},
 * {@code recorded_at}, {@code prev} and {@code hash}.
 *
 * <p>Field names are snake_case and must not be one of the record's own names nor look like a
 * secret ({@code token}, {@code secret}, {@code password}, {@code private}, ...): a record is
 * kept forever and read by operators, so the check refuses the event instead of storing it.
 * Values are strings, booleans, integers, {@code null}, enums (their name), lists and maps of
 * these; never bytes, so raw key material cannot slip in.
 */
public record LedgerEvent(String scope, String action, String result, Map<String, Object> fields) {

    public LedgerEvent {
        EventFields.requireName("scope", scope);
        if (action == null && result == null) {
            throw new IllegalArgumentException("an event needs an action or a result");
        }
        if (action != null) {
            EventFields.requireName("action", action);
        }
        if (result != null) {
            EventFields.requireName("result", result);
        }
        fields = EventFields.copy(Objects.requireNonNull(fields, "fields"));
    }

    /** An event that records something done: {@code {"scope":..., "action":...}}. */
    public static LedgerEvent action(String scope, String action, Map<String, ?> fields) {
        return new LedgerEvent(scope, action, null, EventFields.widen(fields));
    }

    /** An event that records how something ended: {@code {"scope":..., "result":...}}. */
    public static LedgerEvent result(String scope, String result, Map<String, ?> fields) {
        return new LedgerEvent(scope, null, result, EventFields.widen(fields));
    }
}
