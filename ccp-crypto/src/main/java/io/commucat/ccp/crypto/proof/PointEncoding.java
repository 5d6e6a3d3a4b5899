package io.commucat.ccp.crypto.proof;

import cafe.cryptography.curve25519.CompressedEdwardsY;
import cafe.cryptography.curve25519.EdwardsPoint;
import cafe.cryptography.curve25519.InvalidEncodingException;
import io.commucat.ccp.crypto.Hex;
import java.security.MessageDigest;
import java.util.List;

/**
 * Checks on compressed Edwards25519 encodings that elisabeth's {@code decompress()} does not make
 * (it reduces y mod p and accepts x = 0 with the sign bit set), done on the bytes so that the
 * verifier need not decompress R on its success path.
 */
final class PointEncoding {

    static final int LENGTH = 32;

    /**
     * The canonical encodings of the eight points of small order (the torsion subgroup E[8]).
     * Every other encoding of these points is non-canonical and caught by {@link #isCanonical}.
     */
    static final List<byte[]> SMALL_ORDER = List.of(
            Hex.decode("0100000000000000000000000000000000000000000000000000000000000000"), // identity
            Hex.decode("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"), // order 2
            Hex.decode("0000000000000000000000000000000000000000000000000000000000000000"), // order 4
            Hex.decode("0000000000000000000000000000000000000000000000000000000000000080"), // order 4
            Hex.decode("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"), // order 8
            Hex.decode("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa"), // order 8
            Hex.decode("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"), // order 8
            Hex.decode("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85")); // order 8

    private PointEncoding() {
    }

    /** Whether y < p = 2^255 − 19, and the sign bit is clear when x = 0 (y = 1 or y = p − 1). */
    static boolean isCanonical(byte[] encoding) {
        if (isYAtLeastP(encoding)) {
            return false;
        }
        boolean signBit = (encoding[31] & 0x80) != 0;
        return !(signBit && (isYOne(encoding) || isYPMinusOne(encoding)));
    }

    /** For a canonical encoding: whether it names a point of small order. */
    static boolean isSmallOrder(byte[] canonicalEncoding) {
        for (byte[] smallOrder : SMALL_ORDER) {
            if (MessageDigest.isEqual(smallOrder, canonicalEncoding)) {
                return true;
            }
        }
        return false;
    }

    /** Decompresses, or {@code null} when the bytes are not the y coordinate of a curve point. */
    static EdwardsPoint decompressOrNull(byte[] encoding) {
        try {
            return new CompressedEdwardsY(encoding).decompress();
        } catch (InvalidEncodingException e) {
            return null;
        }
    }

    // p = 2^255 − 19 is ed ff .. ff 7f little-endian; y ≥ p iff the 255-bit y is 7f ff .. ff, ≥ ed.
    private static boolean isYAtLeastP(byte[] e) {
        if ((e[31] & 0x7f) != 0x7f) {
            return false;
        }
        for (int i = 30; i >= 1; i--) {
            if (e[i] != (byte) 0xff) {
                return false;
            }
        }
        return (e[0] & 0xff) >= 0xed;
    }

    private static boolean isYOne(byte[] e) {
        if (e[0] != 1 || (e[31] & 0x7f) != 0) {
            return false;
        }
        for (int i = 1; i <= 30; i++) {
            if (e[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isYPMinusOne(byte[] e) {
        if ((e[0] & 0xff) != 0xec || (e[31] & 0x7f) != 0x7f) {
            return false;
        }
        for (int i = 1; i <= 30; i++) {
            if (e[i] != (byte) 0xff) {
                return false;
            }
        }
        return true;
    }
}
