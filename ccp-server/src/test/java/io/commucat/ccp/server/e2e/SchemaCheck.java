package io.commucat.ccp.server.e2e;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Checks a JSON answer against a schema of the OpenAPI document, for the subset of JSON Schema
 * the document uses: {@code $ref}, {@code allOf}, {@code type} (one or a list), {@code const},
 * {@code enum}, {@code required}, {@code properties}, {@code additionalProperties},
 * {@code items}, {@code pattern}, {@code minimum}, {@code maximum}, {@code maxItems}. Anything
 * else ({@code format}, {@code description}) is not checked. No validator library is at hand
 * offline, and this subset is what keeps answers and document honest.
 */
final class SchemaCheck {

    private final JsonNode document;

    SchemaCheck(JsonNode document) {
        this.document = document;
    }

    /** Where {@code value} breaks the schema at {@code pointer} (e.g. {@code /components/schemas/Health}); empty when it conforms. */
    List<String> violations(JsonNode value, String pointer) {
        List<String> faults = new ArrayList<>();
        check(value, schemaAt(pointer), "$", faults);
        return faults;
    }

    private JsonNode schemaAt(String pointer) {
        JsonNode schema = document.at(JsonPointer.compile(pointer));
        if (schema.isMissingNode()) {
            throw new AssertionError("no schema at " + pointer);
        }
        return schema;
    }

    private void check(JsonNode value, JsonNode schema, String where, List<String> faults) {
        if (schema.has("$ref")) {
            check(value, schemaAt(schema.get("$ref").asText().substring(1)), where, faults);
        }
        for (JsonNode part : schema.path("allOf")) {
            check(value, part, where, faults);
        }
        if (schema.has("type") && !typeMatches(value, schema.get("type"))) {
            faults.add(where + ": " + kind(value) + " where " + schema.get("type") + " belongs");
            return;
        }
        if (schema.has("const") && !schema.get("const").equals(value)) {
            faults.add(where + ": " + value + " is not " + schema.get("const"));
        }
        if (schema.has("enum") && !contains(schema.get("enum"), value)) {
            faults.add(where + ": " + value + " is not one of " + schema.get("enum"));
        }
        if (schema.has("pattern") && value.isTextual() && !value.asText().matches(".*(" + schema.get("pattern").asText() + ").*")) {
            faults.add(where + ": " + value + " does not match " + schema.get("pattern").asText());
        }
        if (schema.has("minimum") && value.isNumber() && value.asDouble() < schema.get("minimum").asDouble()) {
            faults.add(where + ": " + value + " below " + schema.get("minimum"));
        }
        if (schema.has("maximum") && value.isNumber() && value.asDouble() > schema.get("maximum").asDouble()) {
            faults.add(where + ": " + value + " above " + schema.get("maximum"));
        }
        if (value.isObject()) {
            for (JsonNode name : schema.path("required")) {
                if (!value.has(name.asText())) {
                    faults.add(where + ": lacks " + name.asText());
                }
            }
            JsonNode properties = schema.path("properties");
            JsonNode additional = schema.get("additionalProperties");
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String at = where + "." + field.getKey();
                if (properties.has(field.getKey())) {
                    check(field.getValue(), properties.get(field.getKey()), at, faults);
                } else if (additional != null && additional.isBoolean() && !additional.asBoolean()) {
                    faults.add(at + ": not in the schema");
                } else if (additional != null && additional.isObject()) {
                    check(field.getValue(), additional, at, faults);
                }
            }
        }
        if (value.isArray()) {
            if (schema.has("maxItems") && value.size() > schema.get("maxItems").asInt()) {
                faults.add(where + ": more than " + schema.get("maxItems") + " items");
            }
            if (schema.has("items")) {
                for (int i = 0; i < value.size(); i++) {
                    check(value.get(i), schema.get("items"), where + "[" + i + "]", faults);
                }
            }
        }
    }

    private static boolean typeMatches(JsonNode value, JsonNode type) {
        if (type.isArray()) {
            for (JsonNode t : type) {
                if (typeMatches(value, t)) {
                    return true;
                }
            }
            return false;
        }
        return switch (type.asText()) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            case "null" -> value.isNull();
            default -> throw new AssertionError("unknown type " + type);
        };
    }

    private static boolean contains(JsonNode values, JsonNode value) {
        for (JsonNode v : values) {
            if (v.equals(value)) {
                return true;
            }
        }
        return false;
    }

    private static String kind(JsonNode value) {
        return value.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }
}
