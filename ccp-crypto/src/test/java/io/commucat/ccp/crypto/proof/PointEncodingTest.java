package io.commucat.ccp.crypto.proof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cafe.cryptography.curve25519.CompressedEdwardsY;
import cafe.cryptography.curve25519.Constants;
import cafe.cryptography.curve25519.EdwardsPoint;
import io.commucat.ccp.crypto.Hex;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PointEncodingTest {

    private static final String P_MINUS_ONE = "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f";

    @Test
    void smallOrderTableIsExactlyTheMultiplesOfAnOrderEightPoint() throws Exception {
        EdwardsPoint generator = new CompressedEdwardsY(PointEncoding.SMALL_ORDER.get(4)).decompress();
        Set<String> multiples = new HashSet<>();
        EdwardsPoint multiple = EdwardsPoint.IDENTITY;
        for (int k = 0; k < 8; k++) {
            multiples.add(Hex.encode(multiple.compress().toByteArray()));
            multiple = multiple.add(generator);
        }
        assertTrue(multiple.isIdentity(), "8·T must be the identity");
        Set<String> table = new HashSet<>();
        PointEncoding.SMALL_ORDER.forEach(e -> table.add(Hex.encode(e)));
        assertEquals(8, multiples.size());
        assertEquals(multiples, table);
    }

    @Test
    void everyTableEntryIsCanonicalAndOfSmallOrderForElisabeth() throws Exception {
        for (byte[] encoding : PointEncoding.SMALL_ORDER) {
            assertTrue(PointEncoding.isCanonical(encoding));
            assertTrue(new CompressedEdwardsY(encoding).decompress().isSmallOrder());
        }
    }

    @Test
    void basepointIsCanonicalAndNotOfSmallOrder() {
        byte[] basepoint = Constants.ED25519_BASEPOINT.compress().toByteArray();
        assertTrue(PointEncoding.isCanonical(basepoint));
        assertFalse(PointEncoding.isSmallOrder(basepoint));
    }

    @Test
    void yEqualToPMinusOneWithoutSignBitIsCanonical() {
        assertTrue(PointEncoding.isCanonical(Hex.decode(P_MINUS_ONE)));
    }

    @Test
    void largestCanonicalYWithEitherSignIsCanonical() {
        // y = p − 2 is below p and x ≠ 0 there, so both signs are canonical encodings.
        byte[] y = Hex.decode(P_MINUS_ONE);
        y[0] = (byte) 0xeb;
        assertTrue(PointEncoding.isCanonical(y));
        y[31] |= (byte) 0x80;
        assertTrue(PointEncoding.isCanonical(y));
    }

    @Test
    void elisabethDecodesSomeNonCanonicalEncodingsWhichIsWhyTheyAreCheckedOnBytes() {
        byte[] yIsPPlusOne = Hex.decode("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
        byte[] identityWithSignBit = Hex.decode("0100000000000000000000000000000000000000000000000000000000000080");
        assertNotNull(PointEncoding.decompressOrNull(yIsPPlusOne));
        assertNotNull(PointEncoding.decompressOrNull(identityWithSignBit));
        assertFalse(PointEncoding.isCanonical(yIsPPlusOne));
        assertFalse(PointEncoding.isCanonical(identityWithSignBit));
    }

    @Test
    void bytesThatAreNoCurvePointDoNotDecompress() {
        assertNull(PointEncoding.decompressOrNull(Hex.decode(
                "0200000000000000000000000000000000000000000000000000000000000000")));
    }
}
