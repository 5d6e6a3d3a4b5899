package io.commucat.ccp.crypto.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cafe.cryptography.curve25519.Constants;
import io.commucat.ccp.crypto.Hex;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.junit.jupiter.api.Test;

class DeviceKeyPairTest {

    // The "basic" device key of zkp.json.
    private static final byte[] SEED = "seed-seed-seed-seed-seed-seed-seed-seed".getBytes(StandardCharsets.US_ASCII);
    private static final String SECRET_HEX = "c926cf5b192545bf31e2e27fe648163774cfcb03730d99492683cd849f87a96a";
    private static final String PUBLIC_HEX = "244cb75cb1c0d93df56dad7477c082354d40d13afe48509ddaa5cfa79134550d";

    @Test
    void secretKeyIsBlake3OfTheSeed() {
        assertEquals(SECRET_HEX, Hex.encode(DeviceKeyPair.fromSeed(SEED).secretKey()));
    }

    @Test
    void publicKeyIsTheEd25519PublicKeyOfTheSecretKey() {
        assertEquals(PUBLIC_HEX, Hex.encode(DeviceKeyPair.fromSeed(SEED).publicKey()));
    }

    @Test
    void secretScalarTimesBasepointIsThePublicKey() {
        DeviceKeyPair keys = DeviceKeyPair.fromSeed(SEED);
        byte[] a = Constants.ED25519_BASEPOINT_TABLE.multiply(keys.secretScalar()).compress().toByteArray();
        assertArrayEquals(keys.publicKey(), a);
    }

    @Test
    void seedShorterThan32BytesIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> DeviceKeyPair.fromSeed(new byte[31]));
    }

    @Test
    void nullSeedIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> DeviceKeyPair.fromSeed(null));
    }

    @Test
    void seedOfExactly32BytesIsAccepted() {
        assertEquals(32, DeviceKeyPair.fromSeed(new byte[32]).publicKey().length);
    }

    @Test
    void generateDerivesFromA32ByteSeedOfTheRandomSource() {
        byte[] seed = new byte[32];
        Arrays.fill(seed, (byte) 7);
        DeviceKeyPair generated = DeviceKeyPair.generate(new FixedRandom(seed));
        assertArrayEquals(DeviceKeyPair.fromSeed(seed).publicKey(), generated.publicKey());
    }

    @Test
    void generatedKeyPairsDiffer() {
        SecureRandom random = new SecureRandom();
        assertFalse(Arrays.equals(DeviceKeyPair.generate(random).publicKey(), DeviceKeyPair.generate(random).publicKey()));
    }

    @Test
    void fromSecretKeyRestoresTheSamePair() {
        DeviceKeyPair original = DeviceKeyPair.fromSeed(SEED);
        DeviceKeyPair restored = DeviceKeyPair.fromSecretKey(original.secretKey());
        assertArrayEquals(original.publicKey(), restored.publicKey());
        assertEquals(original.secretScalar(), restored.secretScalar());
    }

    @Test
    void fromSecretKeyRejectsAWrongLength() {
        assertThrows(IllegalArgumentException.class, () -> DeviceKeyPair.fromSecretKey(new byte[33]));
    }

    @Test
    void accessorsReturnCopies() {
        DeviceKeyPair keys = DeviceKeyPair.fromSeed(SEED);
        keys.publicKey()[0] ^= 1;
        keys.secretKey()[0] ^= 1;
        assertEquals(PUBLIC_HEX, Hex.encode(keys.publicKey()));
        assertEquals(SECRET_HEX, Hex.encode(keys.secretKey()));
    }

    @Test
    void seedArrayChangesDoNotAffectTheKeyPair() {
        byte[] seed = SEED.clone();
        DeviceKeyPair keys = DeviceKeyPair.fromSeed(seed);
        seed[0] ^= 1;
        assertEquals(PUBLIC_HEX, Hex.encode(keys.publicKey()));
    }

    @Test
    void signatureIsPlainEd25519VerifiableWithThePublicKey() {
        DeviceKeyPair keys = DeviceKeyPair.fromSeed(SEED);
        byte[] message = "csr".getBytes(StandardCharsets.UTF_8);
        byte[] signature = keys.sign(message);
        assertTrue(Ed25519.verify(signature, 0, keys.publicKey(), 0, message, 0, message.length));
    }

    @Test
    void signatureIsDeterministic() {
        DeviceKeyPair keys = DeviceKeyPair.fromSeed(SEED);
        byte[] message = {1, 2, 3};
        assertArrayEquals(keys.sign(message), keys.sign(message));
    }

    @Test
    void hasPublicKeyRecognisesOnlyItsOwnKey() {
        DeviceKeyPair keys = DeviceKeyPair.fromSeed(SEED);
        byte[] other = keys.publicKey();
        other[31] ^= 1;
        assertTrue(keys.hasPublicKey(keys.publicKey()));
        assertFalse(keys.hasPublicKey(other));
        assertFalse(keys.hasPublicKey(null));
    }

    @Test
    void toStringShowsThePublicKeyButNoSecret() {
        DeviceKeyPair keys = DeviceKeyPair.fromSeed(SEED);
        String text = keys.toString();
        assertTrue(text.contains(PUBLIC_HEX));
        assertTrue(text.contains("redacted"));
        assertFalse(text.contains(SECRET_HEX));
        assertFalse(text.contains(Hex.encode(keys.secretScalar().toByteArray())));
        assertTrue(text.startsWith("DeviceKeyPair["));
    }

    /** A "random" source that hands out fixed bytes, to observe what generate() draws. */
    static final class FixedRandom extends SecureRandom {
        private static final long serialVersionUID = 1L;
        private final byte[] bytes;

        FixedRandom(byte[] bytes) {
            this.bytes = bytes.clone();
        }

        @Override
        public void nextBytes(byte[] out) {
            if (out.length != bytes.length) {
                throw new AssertionError("expected a request for " + bytes.length + " bytes, got " + out.length);
            }
            System.arraycopy(bytes, 0, out, 0, out.length);
        }
    }
}
