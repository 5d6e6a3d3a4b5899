package io.commucat.ccp.crypto.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.proto.testing.Vectors;
import org.junit.jupiter.api.Test;

class NoiseKeyPairTest {

    // RFC 7748 §6.1: Alice's private and public key.
    private static final String PRIVATE = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
    private static final String PUBLIC = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";

    @Test
    void thePublicKeyIsDerivedAsRfc7748Says() {
        assertEquals(PUBLIC, Vectors.hex(NoiseKeyPair.fromPrivateKey(Vectors.hex(PRIVATE)).publicKey()));
    }

    @Test
    void toStringShowsThePublicKeyButNeverThePrivateKey() {
        String text = NoiseKeyPair.fromPrivateKey(Vectors.hex(PRIVATE)).toString();
        assertTrue(text.contains(PUBLIC));
        assertFalse(text.contains(PRIVATE));
    }

    @Test
    void accessorsHandOutCopies() {
        NoiseKeyPair pair = NoiseKeyPair.fromPrivateKey(Vectors.hex(PRIVATE));
        pair.publicKey()[0] ^= 1;
        pair.privateKey()[0] ^= 1;
        assertEquals(PUBLIC, Vectors.hex(pair.publicKey()));
        assertEquals(PRIVATE, Vectors.hex(pair.privateKey()));
    }

    @Test
    void generatedKeysDiffer() {
        assertFalse(java.util.Arrays.equals(NoiseKeyPair.generate(Sessions.RANDOM).publicKey(),
                NoiseKeyPair.generate(Sessions.RANDOM).publicKey()));
    }

    @Test
    void aPrivateKeyOfTheWrongLengthIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> NoiseKeyPair.fromPrivateKey(new byte[31]));
    }

    @Test
    void theInputArrayIsCopied() {
        byte[] k = Vectors.hex(PRIVATE);
        NoiseKeyPair pair = NoiseKeyPair.fromPrivateKey(k);
        k[0] ^= 1;
        assertArrayEquals(Vectors.hex(PRIVATE), pair.privateKey());
    }
}
