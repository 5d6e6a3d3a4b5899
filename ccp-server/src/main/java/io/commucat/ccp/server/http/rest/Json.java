package io.commucat.ccp.server.http.rest;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;

/** The REST layer's one Jackson mapper (thread-safe once configured). */
public final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper().registerModule(new JavaTimeModule());
    private static final ObjectReader BODY = MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Json() {
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * Reads a request body: one JSON value in UTF-8 (rest.md), nothing after it; an empty body
     * reads as a missing node. Jackson on its own guesses UTF-16 and UTF-32 from zero bytes and
     * byte-order marks, and fails on them with an {@link IOException} that is not a {@link
     * JacksonException}; UTF-8 JSON never has either, so such a body is refused here first.
     *
     * @throws JacksonException for anything else (answered 400)
     */
    public static JsonNode readBody(byte[] body) throws JacksonException {
        if (notUtf8(body)) {
            throw new JsonParseException(null, "request body is not UTF-8 JSON");
        }
        try {
            return BODY.readTree(body);
        } catch (JacksonException e) {
            throw e;
        } catch (IOException e) {
            throw new JsonParseException(null, "request body is not UTF-8 JSON", e);
        }
    }

    /** A byte-order mark of UTF-16/32, or a zero byte where Jackson looks for one (the first four). */
    private static boolean notUtf8(byte[] body) {
        if (body.length >= 2 && ((body[0] == (byte) 0xFE && body[1] == (byte) 0xFF)
                || (body[0] == (byte) 0xFF && body[1] == (byte) 0xFE))) {
            return true;
        }
        for (int i = 0; i < Math.min(4, body.length); i++) {
            if (body[i] == 0) {
                return true;
            }
        }
        return false;
    }

    /** Serialises {@code value}; a value Jackson cannot write is a programming error. */
    public static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getName(), e);
        }
    }
}
