package io.commucat.ccp.crypto.cert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class CertificateFieldsTest {

    private static CertificateFields withUser(String userId) {
        return new CertificateFields(1, userId, "d", new byte[32], new byte[32], 0, 1);
    }

    @Test
    void serialIsReadAsUnsigned() {
        CertificateFields f = new CertificateFields(-1L, "u", "d", new byte[32], new byte[32], 0, 1);
        assertEquals("18446744073709551615", f.serialText());
        assertEquals(BigInteger.TWO.pow(64).subtract(BigInteger.ONE), f.serialValue());
    }

    @Test
    void unpairedSurrogateIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> withUser("a\ud800"));
        assertThrows(IllegalArgumentException.class, () -> withUser("\udc00b"));
    }

    @Test
    void surrogatePairIsAccepted() {
        assertEquals("\ud83d\udcf1", withUser("\ud83d\udcf1").userId());
    }

    @Test
    void keysMustBe32Bytes() {
        assertThrows(IllegalArgumentException.class,
                () -> new CertificateFields(1, "u", "d", new byte[31], new byte[32], 0, 1));
        assertThrows(IllegalArgumentException.class,
                () -> new CertificateFields(1, "u", "d", new byte[32], new byte[0], 0, 1));
    }

    @Test
    void fieldsKeepTheirOwnCopiesOfKeys() {
        byte[] key = new byte[32];
        CertificateFields f = new CertificateFields(1, "u", "d", key, new byte[32], 0, 1);
        key[0] = 1;
        f.publicKey()[1] = 1;
        f.issuer()[2] = 1;
        assertArrayEquals(new byte[32], f.publicKey());
        assertArrayEquals(new byte[32], f.issuer());
    }
}
