package io.commucat.ccp.crypto.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.crypto.Hex;
import java.security.SecureRandom;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.junit.jupiter.api.Test;

class DeviceCaKeyPairTest {

    // certificates.json: ca_seed_hex, ca_private_hex, ca_public_hex.
    private static final byte[] SEED = Hex.decode("c309c29efd2105872cb6409fec89d2f0c670763718c47a5eab8c3376ce7f6980");
    private static final String SECRET_HEX = "82e88cf075022c7e83623126f28ec6ba5023af7deb7216cb2427a1a5a88f3ebd";
    private static final String PUBLIC_HEX = "049b701bed5728887bbc63f331a0cde75a85d9f4d5a4aa0e4123da99dd146169";

    @Test
    void caSecretKeyIsBlake3OfTheSeedLikeADeviceKey() {
        DeviceCaKeyPair ca = DeviceCaKeyPair.fromSeed(SEED);
        assertEquals(SECRET_HEX, Hex.encode(ca.secretKey()));
        assertEquals(PUBLIC_HEX, Hex.encode(ca.publicKey()));
    }

    @Test
    void fromSecretKeyRestoresTheSamePublicKey() {
        assertEquals(PUBLIC_HEX, Hex.encode(DeviceCaKeyPair.fromSecretKey(Hex.decode(SECRET_HEX)).publicKey()));
    }

    @Test
    void seedShorterThan32BytesIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> DeviceCaKeyPair.fromSeed(new byte[16]));
    }

    @Test
    void generatedCaKeysDiffer() {
        SecureRandom random = new SecureRandom();
        assertFalse(java.util.Arrays.equals(
                DeviceCaKeyPair.generate(random).publicKey(), DeviceCaKeyPair.generate(random).publicKey()));
    }

    @Test
    void signatureVerifiesWithTheCaPublicKey() {
        DeviceCaKeyPair ca = DeviceCaKeyPair.fromSeed(SEED);
        byte[] message = {42};
        assertTrue(Ed25519.verify(ca.sign(message), 0, ca.publicKey(), 0, message, 0, 1));
        assertArrayEquals(ca.sign(message), ca.sign(message));
    }

    @Test
    void toStringRedactsTheSecretKey() {
        String text = DeviceCaKeyPair.fromSeed(SEED).toString();
        assertTrue(text.contains("redacted"));
        assertFalse(text.contains(SECRET_HEX));
    }
}
