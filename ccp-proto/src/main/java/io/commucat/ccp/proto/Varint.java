package io.commucat.ccp.proto;

import java.nio.ByteBuffer;

/**
 * Unsigned LEB128 varints as CCP-1 uses them (spec §2): 7 bits per byte, least significant
 * group first. Values are unsigned 64-bit, carried in a {@code long}.
 *
 * <p>A 10th byte may only carry the lowest bit (bit 63); anything else there, or an 11th byte,
 * is {@link CodecException.Kind#VARINT_OVERFLOW}. Non-minimal encodings are accepted.
 */
public final class Varint {

    /** The longest encoding of a 64-bit value. */
    public static final int MAX_BYTES = 10;

    private Varint() {
    }

    /** Number of bytes {@link #write} uses for {@code value} (unsigned). */
    public static int size(long value) {
        int bits = 64 - Long.numberOfLeadingZeros(value | 1);
        return (bits + 6) / 7;
    }

    /** Writes {@code value} (unsigned) at {@code offset}; returns the offset after it. */
    public static int write(long value, byte[] out, int offset) {
        while ((value & ~0x7FL) != 0) {
            out[offset++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out[offset++] = (byte) value;
        return offset;
    }

    /** Writes {@code value} (unsigned) at the buffer's position, advancing it. */
    public static void write(long value, ByteBuffer out) {
        while ((value & ~0x7FL) != 0) {
            out.put((byte) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.put((byte) value);
    }

    /** {@code value} encoded on its own. */
    public static byte[] encode(long value) {
        byte[] out = new byte[size(value)];
        write(value, out, 0);
        return out;
    }

    /**
     * Decodes a varint starting at {@code offset} and ending before {@code limit}.
     *
     * @return the unsigned value and its length, or {@code null} when the bytes end inside the
     *     varint ("need more": nothing is consumed)
     */
    public static Decoded decode(byte[] in, int offset, int limit) throws CodecException {
        long value = 0;
        for (int i = 0; i < MAX_BYTES; i++) {
            if (offset + i >= limit) {
                return null;
            }
            int b = in[offset + i] & 0xFF;
            if (i == MAX_BYTES - 1 && (b & 0xFE) != 0) {
                throw new CodecException(CodecException.Kind.VARINT_OVERFLOW, "varint exceeds 64 bits");
            }
            value |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                return new Decoded(value, i + 1);
            }
        }
        // Unreachable: the 10th byte either ends the varint or throws above.
        throw new CodecException(CodecException.Kind.VARINT_OVERFLOW, "varint exceeds 64 bits");
    }

    /**
     * Decodes a varint at the buffer's position without moving it.
     *
     * @return the decoded value and length, or {@code null} when the buffer ends inside it
     */
    public static Decoded peek(ByteBuffer in) throws CodecException {
        long value = 0;
        int start = in.position();
        int limit = in.limit();
        for (int i = 0; i < MAX_BYTES; i++) {
            if (start + i >= limit) {
                return null;
            }
            int b = in.get(start + i) & 0xFF;
            if (i == MAX_BYTES - 1 && (b & 0xFE) != 0) {
                throw new CodecException(CodecException.Kind.VARINT_OVERFLOW, "varint exceeds 64 bits");
            }
            value |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                return new Decoded(value, i + 1);
            }
        }
        throw new CodecException(CodecException.Kind.VARINT_OVERFLOW, "varint exceeds 64 bits");
    }

    /** A decoded varint: its unsigned value and how many bytes it took. */
    public record Decoded(long value, int length) {
    }
}
