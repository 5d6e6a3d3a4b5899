package io.commucat.ccp.crypto.proof;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.commucat.ccp.crypto.Hex;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ProofContextTest {

    private static final byte[] A = filled(0xaa);
    private static final byte[] X = filled(0x55);

    private static byte[] filled(int value) {
        byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    @Test
    void encodingIsSeparatorThenLengthPrefixedStringsThenBothKeys() {
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes("commucat:zkp:handshake:v1".getBytes(StandardCharsets.US_ASCII));
        expected.writeBytes(new byte[] {3, 0, 0, 0});
        expected.writeBytes("a.b".getBytes(StandardCharsets.US_ASCII));
        expected.writeBytes(new byte[] {2, 0, 0, 0});
        expected.writeBytes("d1".getBytes(StandardCharsets.US_ASCII));
        expected.writeBytes(A);
        expected.writeBytes(X);
        assertArrayEquals(expected.toByteArray(), new ProofContext("a.b", "d1", A, X).encode());
    }

    @Test
    void lengthsCountUtf8BytesNotCharacters() {
        byte[] encoded = new ProofContext("", "ж", A, X).encode();
        int afterSeparator = ProofContext.DOMAIN_SEPARATOR.length();
        assertEquals("00000000" + "02000000" + "d0b6",
                Hex.encode(Arrays.copyOfRange(encoded, afterSeparator, afterSeparator + 10)));
    }

    @Test
    void keysOfAWrongLengthAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new ProofContext("d", "i", new byte[31], X));
        assertThrows(IllegalArgumentException.class, () -> new ProofContext("d", "i", A, new byte[33]));
    }

    @Test
    void contextKeepsItsOwnCopiesOfTheKeys() {
        byte[] a = A.clone();
        ProofContext context = new ProofContext("d", "i", a, X);
        a[0] = 0;
        context.devicePublic()[1] = 0;
        assertArrayEquals(A, context.devicePublic());
    }

    @Test
    void contextsWithEqualContentAreEqual() {
        assertEquals(new ProofContext("d", "i", A, X), new ProofContext("d", "i", A.clone(), X.clone()));
        assertEquals(new ProofContext("d", "i", A, X).hashCode(), new ProofContext("d", "i", A.clone(), X.clone()).hashCode());
    }
}
