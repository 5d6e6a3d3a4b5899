package io.commucat.ccp.server.secrets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.commucat.ccp.crypto.keys.DeviceCaKeyPair;
import io.commucat.ccp.crypto.noise.NoiseKeyPair;
import io.commucat.ccp.server.handshake.ActiveNoiseKey;
import io.commucat.ccp.server.storage.jdbc.JdbcSettings;
import io.commucat.ccp.server.storage.jdbc.JdbcStore;
import io.commucat.ccp.server.testing.MutableClock;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NoiseKeyCatalogTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration INTERVAL = Duration.ofDays(30);
    private static final Duration GRACE = Duration.ofDays(7);

    @TempDir
    Path dir;

    private JdbcStore store;
    private final byte[] seed = new byte[32];
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T00:00:00Z"));
    private final SecretSealer sealer = new SecretSealer(null, RANDOM);

    @BeforeEach
    void open() throws Exception {
        store = JdbcStore.open(JdbcSettings.h2File(dir.resolve("db")));
        RANDOM.nextBytes(seed);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private NoiseKeyCatalog catalog() throws Exception {
        return NoiseKeyCatalog.open(store.secrets(), sealer, INTERVAL, GRACE, 4, seed, clock, RANDOM);
    }

    @Test
    void anEmptyStoreGetsVersionOneFromTheDataDirectorySeed() throws Exception {
        List<ActiveNoiseKey> keys = catalog().active(clock.instant());
        assertEquals(1, keys.size());
        assertEquals(1, keys.get(0).version());
        assertArrayEquals(NoiseKeyPair.fromPrivateKey(seed).publicKey(), keys.get(0).keyPair().publicKey());
        assertEquals(clock.instant().plus(INTERVAL), keys.get(0).rotatesAt());
        assertEquals(clock.instant().plus(INTERVAL).plus(GRACE), keys.get(0).expiresAt());
    }

    @Test
    void aRestartKeepsTheSameKey() throws Exception {
        byte[] first = catalog().active(clock.instant()).get(0).keyPair().publicKey();
        RANDOM.nextBytes(seed); // a node with another seed joins the same store
        assertArrayEquals(first, catalog().active(clock.instant()).get(0).keyPair().publicKey());
    }

    @Test
    void rotationAddsANewerKeyAndKeepsTheOldOneThroughTheGracePeriod() throws Exception {
        NoiseKeyCatalog catalog = catalog();
        clock.advance(INTERVAL);
        catalog.rotateIfDue();
        List<ActiveNoiseKey> keys = catalog.active(clock.instant());
        assertEquals(List.of(2, 1), keys.stream().map(ActiveNoiseKey::version).toList(), "newest first");
        clock.advance(GRACE);
        assertEquals(List.of(2), catalog.active(clock.instant()).stream().map(ActiveNoiseKey::version).toList());
    }

    @Test
    void rotationBeforeItIsDueDoesNothing() throws Exception {
        NoiseKeyCatalog catalog = catalog();
        clock.advance(INTERVAL.minusSeconds(1));
        catalog.rotateIfDue();
        assertEquals(1, catalog.catalog(clock.instant()).size());
    }

    @Test
    void twoNodesRotatingAtOnceAgreeOnOneNewKey() throws Exception {
        NoiseKeyCatalog a = catalog();
        NoiseKeyCatalog b = catalog();
        clock.advance(INTERVAL);
        a.rotateIfDue();
        b.rotateIfDue();
        a.reload();
        assertArrayEquals(a.active(clock.instant()).get(0).keyPair().publicKey(),
                b.active(clock.instant()).get(0).keyPair().publicKey());
        assertEquals(2, b.active(clock.instant()).get(0).version());
    }

    @Test
    void expiredVersionsAreDeletedFromTheStore() throws Exception {
        NoiseKeyCatalog catalog = catalog();
        clock.advance(INTERVAL.plus(GRACE).plusSeconds(1));
        catalog.rotateIfDue();
        assertEquals(List.of(2), store.secrets().noiseKeys().stream().map(k -> k.version()).toList());
    }

    @Test
    void privateKeysAreSealedWithTheConfiguredKey() throws Exception {
        byte[] atRest = new byte[32];
        RANDOM.nextBytes(atRest);
        NoiseKeyCatalog.open(store.secrets(), new SecretSealer(atRest, RANDOM), INTERVAL, GRACE, 4, seed, clock, RANDOM);
        byte[] stored = store.secrets().noiseKeys().get(0).sealedPrivateKey();
        assertEquals(1 + 12 + 32 + 16, stored.length);
        assertThrows(SecretsException.class, this::catalog, "a node without the key cannot use them");
    }

    @Test
    void allNodesShareTheFirstStoredDeviceCaKey() throws Exception {
        byte[] other = new byte[32];
        RANDOM.nextBytes(other);
        DeviceCaKeyPair first = DeviceCaKeys.load(store.secrets(), sealer, seed);
        DeviceCaKeyPair second = DeviceCaKeys.load(store.secrets(), sealer, other);
        assertArrayEquals(first.publicKey(), second.publicKey());
        assertArrayEquals(DeviceCaKeyPair.fromSeed(seed).publicKey(), second.publicKey());
    }
}
