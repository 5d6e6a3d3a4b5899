package io.commucat.ccp.crypto.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.crypto.noise.TransportCiphers.Engine;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** Both ChaChaPoly engines are the same function: whatever one seals, the other opens, byte for byte. */
class TransportCiphersTest {

    private static final int TAG = NoisePattern.TAG_LENGTH;
    private final SplittableRandom random = new SplittableRandom(8439);

    private byte[] key() {
        byte[] key = new byte[32];
        random.nextBytes(key);
        return key;
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void sealsTheSameBytesAsTheOtherEngineAndOpensWhatItSeals(Engine engine) {
        Engine other = engine == Engine.JDK ? Engine.BOUNCY_CASTLE : Engine.JDK;
        byte[] key = key();
        TransportCipher mine = TransportCiphers.create(engine, key);
        TransportCipher theirs = TransportCiphers.create(other, key);
        for (int len : new int[] {0, 1, 15, 16, 63, 64, 65, 1024, 4093, 65_519}) {
            long nonce = random.nextLong(0, Long.MAX_VALUE);
            byte[] plain = new byte[len];
            random.nextBytes(plain);
            byte[] sealed = new byte[len + TAG];
            byte[] expected = new byte[len + TAG];
            mine.encrypt(nonce, plain, 0, len, sealed, 0);
            theirs.encrypt(nonce, plain, 0, len, expected, 0);

            assertArrayEquals(expected, sealed, "length " + len);
            byte[] opened = new byte[len];
            assertTrue(theirs.decrypt(nonce, sealed, 0, sealed.length, opened, 0));
            assertArrayEquals(plain, opened);
            Arrays.fill(opened, (byte) 0);
            assertTrue(mine.decrypt(nonce, sealed, 0, sealed.length, opened, 0));
            assertArrayEquals(plain, opened);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void refusesATamperedRecordOrAnotherNonce(Engine engine) {
        TransportCipher cipher = TransportCiphers.create(engine, key());
        byte[] plain = "hello, device".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] sealed = new byte[plain.length + TAG];
        cipher.encrypt(7, plain, 0, plain.length, sealed, 0);
        byte[] out = new byte[plain.length];

        assertFalse(cipher.decrypt(8, sealed, 0, sealed.length, out, 0));
        sealed[3] ^= 1;
        assertFalse(cipher.decrypt(7, sealed, 0, sealed.length, out, 0));
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void sealsAndOpensInPlace(Engine engine) {
        TransportCipher cipher = TransportCiphers.create(engine, key());
        byte[] plain = new byte[1000];
        random.nextBytes(plain);
        byte[] buffer = Arrays.copyOf(plain, plain.length + TAG);

        cipher.encrypt(1, buffer, 0, plain.length, buffer, 0);
        assertTrue(cipher.decrypt(1, buffer, 0, buffer.length, buffer, 0));

        assertArrayEquals(plain, Arrays.copyOf(buffer, plain.length));
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aDestroyedCipherNoLongerWorks(Engine engine) {
        TransportCipher cipher = TransportCiphers.create(engine, key());
        cipher.destroy();

        assertThrows(IllegalStateException.class, () -> cipher.encrypt(0, new byte[1], 0, 1, new byte[1 + TAG], 0));
    }

    @Test
    void bouncyCastleIsTheDefault() {
        assertEquals(Engine.BOUNCY_CASTLE, TransportCiphers.choose(null, true));
        assertEquals(Engine.BOUNCY_CASTLE, TransportCiphers.choose("", true));
    }

    @Test
    void thePropertyPicksTheJdkEngineWhereTheJdkHasIt() {
        assertEquals(Engine.JDK, TransportCiphers.choose("jdk", true));
        assertEquals(Engine.BOUNCY_CASTLE, TransportCiphers.choose("jdk", false));
        assertEquals(Engine.BOUNCY_CASTLE, TransportCiphers.choose(" BouncyCastle ", true));
    }

    @Test
    void anUnknownEngineIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> TransportCiphers.choose("aes", true));
    }
}
