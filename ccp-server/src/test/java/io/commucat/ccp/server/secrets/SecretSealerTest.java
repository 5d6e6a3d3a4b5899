package io.commucat.ccp.server.secrets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SecretSealerTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] SECRET = "thirty-two bytes of secret key!!".getBytes();

    private static SecretSealer withKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return new SecretSealer(key, RANDOM);
    }

    @Test
    void aSealedSecretOpensWithTheSameKeyAndLabel() throws SecretsException {
        SecretSealer sealer = withKey();
        assertArrayEquals(SECRET, sealer.open(sealer.seal(SECRET, "noise-key:1"), "noise-key:1"));
    }

    @Test
    void theSealedFormDoesNotContainTheSecret() {
        byte[] sealed = withKey().seal(SECRET, "device-ca");
        assertFalse(new String(sealed, java.nio.charset.StandardCharsets.ISO_8859_1).contains("secret"));
    }

    @Test
    void anotherKeyCannotOpenIt() {
        byte[] sealed = withKey().seal(SECRET, "device-ca");
        assertThrows(SecretsException.class, () -> withKey().open(sealed, "device-ca"));
    }

    @Test
    void aSecretCannotBeMovedToAnotherLabel() {
        SecretSealer sealer = withKey();
        byte[] sealed = sealer.seal(SECRET, "noise-key:1");
        assertThrows(SecretsException.class, () -> sealer.open(sealed, "noise-key:2"));
    }

    @Test
    void aTamperedSecretIsRefused() {
        SecretSealer sealer = withKey();
        byte[] sealed = sealer.seal(SECRET, "device-ca");
        sealed[sealed.length - 1] ^= 1;
        assertThrows(SecretsException.class, () -> sealer.open(sealed, "device-ca"));
    }

    @Test
    void withoutAKeySecretsAreStoredPlainAndStillOpen() throws SecretsException {
        SecretSealer plain = new SecretSealer(null, RANDOM);
        byte[] stored = plain.seal(SECRET, "device-ca");
        assertArrayEquals(SECRET, Arrays.copyOfRange(stored, 1, stored.length));
        assertArrayEquals(SECRET, plain.open(stored, "device-ca"));
    }

    @Test
    void plainAndEncryptedNodesDoNotSilentlyMix() {
        byte[] plainStored = new SecretSealer(null, RANDOM).seal(SECRET, "device-ca");
        assertThrows(SecretsException.class, () -> withKey().open(plainStored, "device-ca"));
        byte[] encryptedStored = withKey().seal(SECRET, "device-ca");
        assertThrows(SecretsException.class, () -> new SecretSealer(null, RANDOM).open(encryptedStored, "device-ca"));
    }
}
