package io.commucat.ccp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.client.handshake.DeviceIdentity;
import io.commucat.ccp.crypto.keys.DeviceKeyPair;
import io.commucat.ccp.crypto.noise.NoiseKeyPair;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class InMemoryIdentityStoreTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    private static StoredIdentity identity(String id) {
        return new StoredIdentity(new DeviceIdentity(id, DeviceKeyPair.generate(RANDOM), NoiseKeyPair.generate(RANDOM),
                null), "u-1");
    }

    @Test
    void startsEmptyAndKeepsTheLastSave() throws Exception {
        IdentityStore store = IdentityStore.inMemory();
        assertTrue(store.load().isEmpty());

        StoredIdentity first = identity("dev-1");
        store.save(first);
        assertSame(first, store.load().orElseThrow());

        StoredIdentity second = identity("dev-2");
        store.save(second);
        assertSame(second, store.load().orElseThrow());
    }

    @Test
    void canStartWithAnIdentityAndNeverShowsKeys() throws Exception {
        StoredIdentity held = identity("dev-3");
        IdentityStore store = IdentityStore.inMemory(held);

        assertEquals("dev-3", store.load().orElseThrow().deviceId());
        assertFalse(store.toString().contains(io.commucat.ccp.crypto.Hex.encode(held.device().deviceKey().secretKey())));
    }
}
