package io.commucat.ccp.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.client.handshake.DeviceIdentity;
import io.commucat.ccp.crypto.keys.DeviceKeyPair;
import io.commucat.ccp.crypto.noise.NoiseKeyPair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileIdentityStoreTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;

    private static StoredIdentity identity() {
        return new StoredIdentity(new DeviceIdentity("dev-1", DeviceKeyPair.generate(RANDOM), NoiseKeyPair.generate(RANDOM),
                null), "u-1");
    }

    @Test
    void aSavedIdentityLoadsBackWithItsKeys() throws Exception {
        FileIdentityStore store = new FileIdentityStore(dir.resolve("id.json"));
        StoredIdentity saved = identity();

        store.save(saved);
        StoredIdentity loaded = store.load().orElseThrow();

        assertEquals("dev-1", loaded.deviceId());
        assertEquals("u-1", loaded.userId());
        assertArrayEquals(saved.device().deviceKey().secretKey(), loaded.device().deviceKey().secretKey());
        assertArrayEquals(saved.device().noiseKey().privateKey(), loaded.device().noiseKey().privateKey());
    }

    @Test
    void theFileIsReadableByItsOwnerOnly() throws Exception {
        Path file = dir.resolve("sub/id.json");
        new FileIdentityStore(file).save(identity());

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void aMissingFileIsNoIdentity() throws Exception {
        assertEquals(Optional.empty(), new FileIdentityStore(dir.resolve("none.json")).load());
    }

    @Test
    void aDamagedFileIsAnErrorNotAnEmptyStore() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.json"), "{\"device_id\":\"x\"}");

        IOException e = assertThrows(IOException.class, () -> new FileIdentityStore(file).load());
        assertTrue(e.getMessage().contains("device_secret_key"), e.getMessage());
    }

    @Test
    void savingAgainReplacesTheIdentityAndLeavesNoTemporaryFile() throws Exception {
        FileIdentityStore store = new FileIdentityStore(dir.resolve("id.json"));
        store.save(identity());
        StoredIdentity second = identity();

        store.save(second);

        assertArrayEquals(second.device().deviceKey().publicKey(), store.load().orElseThrow().device().deviceKey().publicKey());
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
    }

    @Test
    void toStringShowsNoKey() {
        assertTrue(identity().toString().matches("StoredIdentity\\[dev-1, user=u-1\\]"));
    }
}
