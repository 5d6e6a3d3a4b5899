package io.commucat.ccp.server.config;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Key material from the configuration. Immutable (copies in and out) and never printed:
 * {@link #toString()} is redacted so a logged config cannot leak it.
 */
public final class SecretBytes {

    private final byte[] bytes;

    private SecretBytes(byte[] bytes) {
        this.bytes = bytes.clone();
    }

    public static SecretBytes of(byte[] bytes) {
        return new SecretBytes(bytes);
    }

    /**
     * Parses exactly 32 bytes of hex, either case.
     *
     * @throws IllegalArgumentException without echoing the input (it is a secret)
     */
    public static SecretBytes parseHex32(String hex) {
        String s = hex.trim();
        if (s.length() != 64) {
            throw new IllegalArgumentException("must be 64 hex digits (32 bytes), got " + s.length() + " characters");
        }
        try {
            return new SecretBytes(HexFormat.of().parseHex(s));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("must be 64 hex digits (32 bytes), found a non-hex character");
        }
    }

    /** A copy of the bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    public int length() {
        return bytes.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SecretBytes other && MessageDigest.isEqual(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "<" + bytes.length + " secret bytes>";
    }
}
