package io.commucat.ccp.crypto.keys;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class Ed25519SignaturesTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] MESSAGE = "ccp-pair-claim:ABCD2345".getBytes(StandardCharsets.US_ASCII);

    @Test
    void signatureOfTheKeyOverTheMessageVerifies() {
        DeviceKeyPair key = DeviceKeyPair.generate(RANDOM);

        assertTrue(Ed25519Signatures.verify(key.publicKey(), MESSAGE, key.sign(MESSAGE)));
    }

    @Test
    void signatureOverAnotherMessageDoesNotVerify() {
        DeviceKeyPair key = DeviceKeyPair.generate(RANDOM);

        assertFalse(Ed25519Signatures.verify(key.publicKey(), "other".getBytes(StandardCharsets.US_ASCII),
                key.sign(MESSAGE)));
    }

    @Test
    void signatureOfAnotherKeyDoesNotVerify() {
        DeviceKeyPair key = DeviceKeyPair.generate(RANDOM);
        DeviceKeyPair other = DeviceKeyPair.generate(RANDOM);

        assertFalse(Ed25519Signatures.verify(other.publicKey(), MESSAGE, key.sign(MESSAGE)));
    }

    @Test
    void wrongLengthsAreRefusedNotThrown() {
        DeviceKeyPair key = DeviceKeyPair.generate(RANDOM);

        assertFalse(Ed25519Signatures.verify(new byte[31], MESSAGE, key.sign(MESSAGE)));
        assertFalse(Ed25519Signatures.verify(key.publicKey(), MESSAGE, new byte[63]));
        assertFalse(Ed25519Signatures.verify(null, MESSAGE, null));
    }

    @Test
    void garbageKeyAndSignatureAreRefusedNotThrown() {
        byte[] key = new byte[32];
        java.util.Arrays.fill(key, (byte) 0xff);
        byte[] signature = new byte[64];
        java.util.Arrays.fill(signature, (byte) 0xff);

        assertFalse(Ed25519Signatures.verify(key, MESSAGE, signature));
    }
}
