package io.commucat.ccp.server.pairing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class PairCodeKeyTest {

    private static final byte[] SECRET = new byte[32];
    private static final PairCode CODE = PairCode.parse("abcd-efgh").orElseThrow();

    static {
        Arrays.fill(SECRET, (byte) 7);
    }

    @Test
    void hashIsTheHmacOfTheNormalisedCodeUnderTheDerivedKey() throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
        byte[] derived = mac.doFinal("ccp:pairing-code-key:v1".getBytes(StandardCharsets.US_ASCII));
        mac.init(new SecretKeySpec(derived, "HmacSHA256"));
        String expected = HexFormat.of().formatHex(mac.doFinal("ABCDEFGH".getBytes(StandardCharsets.US_ASCII)));

        assertEquals(expected, PairCodeKey.derive(SECRET).hash(CODE));
    }

    @Test
    void hashIsNotThePlainSha256OfTheCode() throws Exception {
        String plain = HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest("ABCDEFGH".getBytes(StandardCharsets.US_ASCII)));

        assertNotEquals(plain, PairCodeKey.derive(SECRET).hash(CODE));
    }

    @Test
    void nodesSharingTheSecretNameCodesAlike() {
        assertEquals(PairCodeKey.derive(SECRET.clone()).hash(CODE), PairCodeKey.derive(SECRET.clone()).hash(CODE));
    }

    @Test
    void anotherSecretNamesCodesOtherwise() {
        byte[] other = SECRET.clone();
        other[0] ^= 1;

        assertNotEquals(PairCodeKey.derive(SECRET).hash(CODE), PairCodeKey.derive(other).hash(CODE));
    }

    @Test
    void idIsTheHashsFirst16HexDigits() {
        PairCodeKey key = PairCodeKey.derive(SECRET);

        assertEquals(key.hash(CODE).substring(0, 16), key.id(CODE));
    }

    @Test
    void shortSecretIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> PairCodeKey.derive(new byte[16]));
    }

    @Test
    void toStringShowsNoKey() {
        assertFalse(PairCodeKey.derive(SECRET).toString().matches(".*[0-9a-f]{16}.*"));
    }
}
