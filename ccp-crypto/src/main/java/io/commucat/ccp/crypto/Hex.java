package io.commucat.ccp.crypto;

import java.util.HexFormat;

/** Hex as CCP-1 writes it: lower-case on output, either case accepted on input (spec §3.1). */
public final class Hex {

    private static final HexFormat LOWER = HexFormat.of();

    private Hex() {
    }

    public static String encode(byte[] bytes) {
        return LOWER.formatHex(bytes);
    }

    /**
     * Parses hex of either case.
     *
     * @throws IllegalArgumentException when {@code hex} has an odd length or a non-hex digit
     */
    public static byte[] decode(CharSequence hex) {
        return LOWER.parseHex(hex);
    }

    /**
     * Parses hex that must encode exactly {@code length} bytes (keys, signatures).
     *
     * @throws IllegalArgumentException when it is not valid hex of that length
     */
    public static byte[] decodeFixed(CharSequence hex, int length) {
        if (hex.length() != 2 * length) {
            throw new IllegalArgumentException("expected " + length + " bytes of hex, got " + hex.length() + " characters");
        }
        return LOWER.parseHex(hex);
    }
}
