package io.commucat.ccp.crypto.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.crypto.Hex;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/**
 * The rotation proof's digest and signature. The pinned vectors were computed once with
 * independent implementations (@noble/hashes' BLAKE3 and @noble/curves' Ed25519, JavaScript)
 * over the layout of the original's {@code rotation_proof_message}.
 */
class DeviceRotationProofTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] NEW_KEY = range(0x00, 32);
    private static final byte[] NONCE = range(0x01, 8);
    /** 2026-01-01T00:00:00Z. */
    private static final long EXPIRES_AT = 1_767_225_600L;
    /** The current key of the signature vector: Ed25519 secret key 0x20..0x3f. */
    private static final byte[] CURRENT_SECRET = range(0x20, 32);

    @Test
    void digestWithoutNonceMatchesThePinnedVector() {
        assertEquals("fffa0e475b8d977f883b46b9a27c59624b7ae922a282f1175de73b24ceeb1733",
                Hex.encode(DeviceRotationProof.digest("device-1", NEW_KEY, EXPIRES_AT, null)));
    }

    @Test
    void digestWithNonceMatchesThePinnedVector() {
        assertEquals("7355dd28b2fe2665e93344449d56bee113979b5a3beab40c27199bb7e7cd9ffd",
                Hex.encode(DeviceRotationProof.digest("device-1", NEW_KEY, EXPIRES_AT, NONCE)));
    }

    @Test
    void digestHashesTheDeviceIdAsUtf8AndTheTimeAsSignedBigEndian() {
        assertEquals("15e20eaabf7c0db21b6f7088b9dc7bd3165381f3a28a8e21513d64dbe24fafd5",
                Hex.encode(DeviceRotationProof.digest("устройство-1", NEW_KEY, -1, NONCE)));
    }

    @Test
    void signatureIsTheCurrentKeysEd25519SignatureOverTheDigest() {
        DeviceKeyPair current = DeviceKeyPair.fromSecretKey(CURRENT_SECRET);
        assertEquals("29acbae141bccaf0b22e1a94d34d0bc7361e526d0bfe12c89794bc9322966dd7",
                Hex.encode(current.publicKey()));

        byte[] signature = DeviceRotationProof.sign(current, "device-1", NEW_KEY, EXPIRES_AT, NONCE);

        assertEquals("19d5a23546c60b28b95ff8a58273d65642bfe2eaf16102c48411efefd6535395"
                + "4f307dbe929bb8fef49aa9fb72d9513cf0e2d93fa2ef95a51c717d1c6808df01", Hex.encode(signature));
        assertTrue(Ed25519Signatures.verify(current.publicKey(),
                DeviceRotationProof.digest("device-1", NEW_KEY, EXPIRES_AT, NONCE), signature));
    }

    @Test
    void aSignedRequestVerifiesAgainstTheCurrentKey() {
        DeviceKeyPair current = DeviceKeyPair.generate(RANDOM);
        byte[] next = DeviceKeyPair.generate(RANDOM).publicKey();

        byte[] signature = DeviceRotationProof.sign(current, "d", next, EXPIRES_AT, null);

        assertTrue(DeviceRotationProof.verify(current.publicKey(), "d", next, EXPIRES_AT, null, signature));
    }

    @Test
    void everyInputIsBoundBySignature() {
        DeviceKeyPair current = DeviceKeyPair.generate(RANDOM);
        byte[] signature = DeviceRotationProof.sign(current, "device-1", NEW_KEY, EXPIRES_AT, NONCE);
        byte[] otherKey = NEW_KEY.clone();
        otherKey[31] ^= 1;
        byte[] otherNonce = NONCE.clone();
        otherNonce[0] ^= 1;

        assertFalse(DeviceRotationProof.verify(current.publicKey(), "device-2", NEW_KEY, EXPIRES_AT, NONCE, signature));
        assertFalse(DeviceRotationProof.verify(current.publicKey(), "device-1", otherKey, EXPIRES_AT, NONCE, signature));
        assertFalse(DeviceRotationProof.verify(current.publicKey(), "device-1", NEW_KEY, EXPIRES_AT + 1, NONCE, signature));
        assertFalse(DeviceRotationProof.verify(current.publicKey(), "device-1", NEW_KEY, EXPIRES_AT, otherNonce, signature));
        assertFalse(DeviceRotationProof.verify(current.publicKey(), "device-1", NEW_KEY, EXPIRES_AT, null, signature));
    }

    @Test
    void anotherKeysSignatureDoesNotVerify() {
        DeviceKeyPair current = DeviceKeyPair.generate(RANDOM);
        DeviceKeyPair stranger = DeviceKeyPair.generate(RANDOM);

        byte[] signature = DeviceRotationProof.sign(stranger, "device-1", NEW_KEY, EXPIRES_AT, NONCE);

        assertFalse(DeviceRotationProof.verify(current.publicKey(), "device-1", NEW_KEY, EXPIRES_AT, NONCE, signature));
    }

    @Test
    void anEmptyNonceHashesAsNone() {
        assertArrayEquals(DeviceRotationProof.digest("device-1", NEW_KEY, EXPIRES_AT, null),
                DeviceRotationProof.digest("device-1", NEW_KEY, EXPIRES_AT, new byte[0]));
    }

    @Test
    void signRefusesANonceTheServerWouldRefuse() {
        DeviceKeyPair current = DeviceKeyPair.generate(RANDOM);

        assertThrows(IllegalArgumentException.class,
                () -> DeviceRotationProof.sign(current, "device-1", NEW_KEY, EXPIRES_AT, new byte[7]));
        assertThrows(IllegalArgumentException.class,
                () -> DeviceRotationProof.sign(current, "device-1", NEW_KEY, EXPIRES_AT, new byte[65]));
    }

    @Test
    void aNewKeyOfTheWrongLengthIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> DeviceRotationProof.digest("device-1", new byte[31], EXPIRES_AT, null));
        assertFalse(DeviceRotationProof.verify(new byte[32], "device-1", new byte[31], EXPIRES_AT, null,
                new byte[64]));
    }

    private static byte[] range(int first, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (first + i);
        }
        return bytes;
    }
}
