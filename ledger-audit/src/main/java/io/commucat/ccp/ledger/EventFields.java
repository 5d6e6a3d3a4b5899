package io.commucat.ccp.ledger;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** The rules for event names and field values, and the deep immutable copy of the fields. */
final class EventFields {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_.-]{0,63}");
    private static final Pattern FIELD = Pattern.compile("[a-z][a-z0-9_]{0,63}");
    /** Words that mark a field as a credential; a backstop, the callers must not try. */
    private static final List<String> SECRET_WORDS =
            List.of("secret", "token", "password", "passwd", "passphrase", "private", "credential", "seed", "cookie");

    private EventFields() {
    }

    static void requireName(String what, String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " must match " + NAME.pattern());
        }
    }

    static Map<String, Object> widen(Map<String, ?> fields) {
        return new LinkedHashMap<>(fields);
    }

    /** A deep, unmodifiable copy (nulls allowed), refusing what a record must not hold. */
    static Map<String, Object> copy(Map<String, ?> fields) {
        Map<String, Object> copy = new LinkedHashMap<>();
        fields.forEach((name, value) -> {
            if (RecordFields.RESERVED.contains(name)) {
                throw new IllegalArgumentException("field '" + name + "' is reserved for the ledger");
            }
            copy.put(checkedName(name), value(name, value));
        });
        return Collections.unmodifiableMap(copy);
    }

    private static String checkedName(String name) {
        if (name == null || !FIELD.matcher(name).matches()) {
            throw new IllegalArgumentException("field names must match " + FIELD.pattern() + ": " + name);
        }
        String lower = name.toLowerCase(Locale.ROOT);
        for (String word : SECRET_WORDS) {
            if (lower.contains(word)) {
                throw new IllegalArgumentException("field '" + name + "' looks like a secret; secrets never go into the ledger");
            }
        }
        return name;
    }

    private static Object value(String name, Object value) {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Long) {
            return value;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Enum<?> e) {
            return e.name();
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> nested = new LinkedHashMap<>();
            map.forEach((k, v) -> {
                if (!(k instanceof String key)) {
                    throw new IllegalArgumentException("field '" + name + "': map keys must be strings");
                }
                nested.put(checkedName(key), value(key, v));
            });
            return Collections.unmodifiableMap(nested);
        }
        if (value instanceof List<?> || value instanceof Set<?>) {
            List<Object> list = new ArrayList<>();
            for (Object item : (Iterable<?>) value) {
                list.add(value(name, item));
            }
            return Collections.unmodifiableList(list);
        }
        // Floating point has no single canonical text; bytes could be key material.
        throw new IllegalArgumentException("field '" + name + "': unsupported value type " + value.getClass().getSimpleName());
    }
}
