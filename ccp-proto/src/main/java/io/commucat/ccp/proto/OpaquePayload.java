package io.commucat.ccp.proto;

import java.util.Arrays;

/**
 * Opaque payload bytes ({@code Msg}, media frames). Immutable: {@link #of} copies its input and
 * {@link #toByteArray} hands out copies. Internally a payload may be a view of a decoder's
 * buffer, so decoding a frame allocates its bytes once.
 */
public final class OpaquePayload implements Payload {

    private static final OpaquePayload EMPTY = new OpaquePayload(new byte[0], 0, 0);

    private final byte[] bytes;
    private final int offset;
    private final int length;

    private OpaquePayload(byte[] bytes, int offset, int length) {
        this.bytes = bytes;
        this.offset = offset;
        this.length = length;
    }

    /** A payload holding a copy of {@code bytes}. */
    public static OpaquePayload of(byte[] bytes) {
        return bytes.length == 0 ? EMPTY : new OpaquePayload(bytes.clone(), 0, bytes.length);
    }

    /** A view of {@code bytes} the caller hands over and never touches again. */
    static OpaquePayload adopt(byte[] bytes, int offset, int length) {
        return length == 0 ? EMPTY : new OpaquePayload(bytes, offset, length);
    }

    @Override
    public PayloadKind kind() {
        return PayloadKind.OPAQUE;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public void copyTo(byte[] dst, int dstOffset) {
        System.arraycopy(bytes, offset, dst, dstOffset, length);
    }

    public byte[] toByteArray() {
        return Arrays.copyOfRange(bytes, offset, offset + length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OpaquePayload other
                && Arrays.equals(bytes, offset, offset + length, other.bytes, other.offset, other.offset + other.length);
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (int i = offset; i < offset + length; i++) {
            h = 31 * h + bytes[i];
        }
        return h;
    }

    /** Shows the length only: opaque payloads are end-to-end ciphertext or media, not log material. */
    @Override
    public String toString() {
        return "Opaque[" + length + " bytes]";
    }
}
