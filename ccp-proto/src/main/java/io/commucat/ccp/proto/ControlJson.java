package io.commucat.ccp.proto;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * The JSON dialect of control payloads: strict RFC 8259 objects, compact on output.
 *
 * <p>Stricter than the original on input where leniency only helps attackers: duplicate keys,
 * trailing content and nesting deeper than {@value #MAX_DEPTH} are invalid.
 */
public final class ControlJson {

    /** serde_json, which the original uses, stops at the same depth. */
    public static final int MAX_DEPTH = 128;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** Writes what {@link #MAPPER} would, refusing the depth it would refuse to read. */
    private static final ObjectMapper CONTROL_WRITER = JsonMapper.builder(JsonFactory.builder()
                    .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
                    .build())
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(MAX_DEPTH)
                .build());
    }

    private ControlJson() {
    }

    /** A new empty object to build a control payload in. */
    public static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** The mapper control payloads are read and written with (configured; do not reconfigure). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Compact JSON bytes of {@code node}. */
    public static byte[] write(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }

    /**
     * Compact JSON bytes of {@code node}, which this dialect reads back as the same object.
     *
     * @throws CodecException {@link CodecException.Kind#INVALID_CONTROL_JSON} when it nests deeper
     *     than {@link #MAX_DEPTH} (the one rule of the dialect a tree can break)
     */
    public static byte[] writeControl(ObjectNode node) throws CodecException {
        try {
            return CONTROL_WRITER.writeValueAsBytes(node);
        } catch (StreamConstraintsException e) {
            throw new CodecException(CodecException.Kind.INVALID_CONTROL_JSON, "control object nests too deep");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }

    /**
     * Parses a control payload.
     *
     * @throws CodecException {@link CodecException.Kind#INVALID_CONTROL_JSON} unless the bytes are
     *     exactly one JSON object in valid UTF-8
     */
    public static ObjectNode parseObject(byte[] bytes, int offset, int length) throws CodecException {
        JsonNode node;
        try {
            node = MAPPER.readTree(bytes, offset, length);
        } catch (IOException | RuntimeException e) {
            throw new CodecException(CodecException.Kind.INVALID_CONTROL_JSON, "control payload is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw new CodecException(CodecException.Kind.INVALID_CONTROL_JSON, "control payload is not a JSON object");
        }
        return (ObjectNode) node;
    }
}
