package io.commucat.ccp.server.http.rest;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.commucat.ccp.crypto.Hex;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reading a JSON request body and its fields, with a 400 whose detail names the field
 * (rest.md "Errors"). Unknown fields are ignored, as the original does.
 */
public final class JsonBody {

    private final ObjectNode root;

    private JsonBody(ObjectNode root) {
        this.root = root;
    }

    /**
     * The body as a JSON object.
     *
     * @throws ApiException 415 for a body that says it is not JSON, 400 for one that does not
     *     parse or is not an object (an empty body is 400 too)
     */
    public static JsonBody of(RestRequest request) throws ApiException {
        return parse(request, false);
    }

    /** As {@link #of}, but an empty body reads as {@code {}} (the endpoint's fields are all optional). */
    public static JsonBody optional(RestRequest request) throws ApiException {
        return parse(request, true);
    }

    private static JsonBody parse(RestRequest request, boolean emptyAllowed) throws ApiException {
        byte[] body = request.body();
        if (body.length == 0) {
            if (emptyAllowed) {
                return new JsonBody(Json.object());
            }
            throw ApiException.badRequest("request body is required: a JSON object");
        }
        requireJsonContentType(request.header("content-type"));
        JsonNode node;
        try {
            node = Json.readBody(body);
        } catch (JacksonException e) {
            throw ApiException.badRequest("request body is not valid JSON");
        }
        if (node == null || node.isMissingNode() || node.isNull()) {
            if (emptyAllowed) {
                return new JsonBody(Json.object());
            }
            throw ApiException.badRequest("request body is required: a JSON object");
        }
        if (!(node instanceof ObjectNode object)) {
            throw ApiException.badRequest("request body must be a JSON object");
        }
        return new JsonBody(object);
    }

    /** No content type (curl, the original's clients) or {@code application/json} / {@code +json}; anything else is 415. */
    static void requireJsonContentType(List<String> values) throws ApiException {
        if (values.isEmpty()) {
            return;
        }
        String type = values.get(0);
        int semicolon = type.indexOf(';');
        String media = (semicolon < 0 ? type : type.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
        if (!media.equals("application/json") && !(media.startsWith("application/") && media.endsWith("+json"))) {
            throw new ApiException(ApiException.Kind.UNSUPPORTED_MEDIA_TYPE,
                    "content-type must be application/json");
        }
    }

    public ObjectNode root() {
        return root;
    }

    public boolean has(String field) {
        JsonNode value = root.get(field);
        return value != null && !value.isNull();
    }

    /** A required non-blank string of at most {@code maxLength} characters, trimmed. */
    public String text(String field, int maxLength) throws ApiException {
        return optionalText(field, maxLength).orElseThrow(() -> ApiException.badRequest(field + " is required"));
    }

    /** An optional string (absent or null: empty), trimmed; blank counts as absent. */
    public Optional<String> optionalText(String field, int maxLength) throws ApiException {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw ApiException.badRequest(field + " must be a string");
        }
        String text = value.textValue().trim();
        if (text.isEmpty()) {
            return Optional.empty();
        }
        if (text.length() > maxLength) {
            throw ApiException.badRequest(field + " must be at most " + maxLength + " characters");
        }
        if (hasControlCharacter(text)) {
            throw ApiException.badRequest(field + " must not contain control characters");
        }
        return Optional.of(text);
    }

    /**
     * Whether {@code text} holds a control character other than tab and line breaks: no id,
     * name or message needs one, and PostgreSQL refuses NUL in text outright.
     */
    public static boolean hasControlCharacter(String text) {
        return text.chars().anyMatch(c -> Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r');
    }

    /** A required hex string of exactly {@code bytes} bytes (either case). */
    public byte[] hex(String field, int bytes) throws ApiException {
        return optionalHex(field, bytes).orElseThrow(() -> ApiException.badRequest(field + " is required"));
    }

    public Optional<byte[]> optionalHex(String field, int bytes) throws ApiException {
        Optional<String> text = optionalText(field, bytes * 2);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        if (text.get().length() != bytes * 2) {
            throw ApiException.badRequest(field + " must be " + bytes + " bytes of hex (" + bytes * 2 + " digits)");
        }
        try {
            return Optional.of(Hex.decode(text.get().toLowerCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(field + " must be hex");
        }
    }

    /** An optional integer (JSON number without fraction). */
    public Optional<Long> optionalLong(String field) throws ApiException {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw ApiException.badRequest(field + " must be an integer");
        }
        return Optional.of(value.longValue());
    }

    /** A required RFC 3339 timestamp. */
    public Instant instant(String field) throws ApiException {
        String text = text(field, 64);
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeException e) {
            throw ApiException.badRequest(field + " must be an RFC 3339 timestamp");
        }
    }
}
