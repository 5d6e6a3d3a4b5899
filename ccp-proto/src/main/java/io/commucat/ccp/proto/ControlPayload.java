package io.commucat.ccp.proto;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;

/**
 * A control payload: one JSON object (spec §2.1). Immutable: the object is copied on the way in
 * and on the way out. The wire bytes are kept beside it, so a decoded payload re-encodes to the
 * bytes it came from and an encoded one is serialized once (compact JSON).
 *
 * <p>A built payload ({@link #of}) reads its object back from its bytes only when something asks
 * for it: most built payloads (the server's Acks, Auth and errors) are only ever written, and
 * parsing them again cost a tree per frame for nothing. Thread-safe: that one parse may race, and
 * every racer makes the same object.
 */
public final class ControlPayload implements Payload {

    /** The object read from {@link #bytes}; null until first asked for when the payload was built. */
    private volatile ObjectNode json;
    private final byte[] bytes;
    private final int offset;
    private final int length;

    private ControlPayload(ObjectNode json, byte[] bytes, int offset, int length) {
        this.json = json;
        this.bytes = bytes;
        this.offset = offset;
        this.length = length;
    }

    /**
     * A payload holding {@code json}, serialized as compact JSON. The object it answers with is
     * read back from those bytes (when first asked for), so a built payload equals the same
     * payload decoded from the wire (Jackson would otherwise tell a {@code long} 5 from an
     * {@code int} 5).
     *
     * @throws IllegalArgumentException when the object breaks the control dialect (nesting deeper
     *     than {@link ControlJson#MAX_DEPTH}: the only rule a tree can break, checked as it is written)
     */
    public static ControlPayload of(ObjectNode json) {
        byte[] bytes;
        try {
            bytes = ControlJson.writeControl(json);
        } catch (CodecException e) {
            throw new IllegalArgumentException("not a valid control payload: " + e.kind().label(), e);
        }
        return new ControlPayload(null, bytes, 0, bytes.length);
    }

    /**
     * Takes ownership of a parsed object and a view of the exact bytes it was parsed from; the
     * caller never touches those bytes again.
     */
    static ControlPayload adopt(ObjectNode json, byte[] bytes, int offset, int length) {
        return new ControlPayload(json, bytes, offset, length);
    }

    /** A copy of the JSON object. */
    public ObjectNode json() {
        return object().deepCopy();
    }

    /** The text field {@code name}, or {@code null} when absent or not a string. */
    public String text(String name) {
        var node = object().get(name);
        return node != null && node.isTextual() ? node.textValue() : null;
    }

    /** Whether the object has a field {@code name}. */
    public boolean has(String name) {
        return object().has(name);
    }

    /** The object, read from the bytes on first use when the payload was built. */
    private ObjectNode object() {
        ObjectNode parsed = json;
        if (parsed == null) {
            try {
                parsed = ControlJson.parseObject(bytes, offset, length);
            } catch (CodecException e) {
                throw new IllegalStateException("a written control object always parses", e);
            }
            json = parsed;
        }
        return parsed;
    }

    @Override
    public PayloadKind kind() {
        return PayloadKind.CONTROL;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public void copyTo(byte[] dst, int dstOffset) {
        System.arraycopy(bytes, offset, dst, dstOffset, length);
    }

    /** The JSON bytes as they go on the wire. */
    public byte[] toByteArray() {
        return Arrays.copyOfRange(bytes, offset, offset + length);
    }

    /** Equal when the JSON objects are equal, whatever their key order on the wire. */
    @Override
    public boolean equals(Object o) {
        return o instanceof ControlPayload other && object().equals(other.object());
    }

    @Override
    public int hashCode() {
        return object().hashCode();
    }

    @Override
    public String toString() {
        return "Control[" + length + " bytes, keys=" + Arrays.toString(fieldNames()) + "]";
    }

    private String[] fieldNames() {
        ObjectNode object = object();
        String[] names = new String[object.size()];
        int i = 0;
        for (var it = object.fieldNames(); it.hasNext(); ) {
            names[i++] = it.next();
        }
        return names;
    }
}
