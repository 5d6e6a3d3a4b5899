package io.commucat.ccp.server.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Secrets} store must do. Implementations' tests provide a store with no keys
 * for each test; instants have microsecond precision.
 */
public interface SecretsContract {

    Instant T0 = Instant.parse("2026-03-01T10:15:30.123456Z");

    Secrets secrets();

    static NoiseKeyRecord noiseKey(int version) {
        byte[] publicKey = new byte[32];
        byte[] sealed = new byte[60];
        Arrays.fill(publicKey, (byte) version);
        Arrays.fill(sealed, (byte) (0x80 | version));
        Instant validAfter = T0.plusSeconds(version * 3600L);
        return new NoiseKeyRecord(version, publicKey, sealed, validAfter, validAfter.plusSeconds(86_400),
                validAfter.plusSeconds(2 * 86_400));
    }

    private static List<Integer> versions(List<NoiseKeyRecord> keys) {
        return keys.stream().map(NoiseKeyRecord::version).toList();
    }

    @Test
    default void emptyStoreHasNoNoiseKeys() throws Exception {
        assertEquals(List.of(), secrets().noiseKeys());
    }

    @Test
    default void addedNoiseKeyIsListedWithAllFields() throws Exception {
        NoiseKeyRecord key = noiseKey(1);

        secrets().addNoiseKey(key);

        assertEquals(List.of(key), secrets().noiseKeys());
    }

    @Test
    default void noiseKeysAreListedNewestFirst() throws Exception {
        secrets().addNoiseKey(noiseKey(2));
        secrets().addNoiseKey(noiseKey(5));
        secrets().addNoiseKey(noiseKey(3));

        assertEquals(List.of(5, 3, 2), versions(secrets().noiseKeys()));
    }

    @Test
    default void existingNoiseKeyVersionIsConflict() throws Exception {
        secrets().addNoiseKey(noiseKey(1));

        StorageException e = assertThrows(StorageException.class, () -> secrets().addNoiseKey(noiseKey(1)));
        assertEquals(StorageException.Kind.CONFLICT, e.kind());
        assertEquals(List.of(noiseKey(1)), secrets().noiseKeys());
    }

    @Test
    default void deletedNoiseKeyIsNoLongerListed() throws Exception {
        secrets().addNoiseKey(noiseKey(1));
        secrets().addNoiseKey(noiseKey(2));

        secrets().deleteNoiseKey(1);

        assertEquals(List.of(2), versions(secrets().noiseKeys()));
    }

    @Test
    default void emptyStoreHasNoDeviceCaKey() throws Exception {
        assertTrue(secrets().deviceCaKey().isEmpty());
    }

    @Test
    default void deviceCaKeyOrStoreStoresTheFirstKey() throws Exception {
        byte[] key = "sealed-ca-key-1".getBytes(StandardCharsets.UTF_8);

        assertArrayEquals(key, secrets().deviceCaKeyOrStore(key));
        assertArrayEquals(key, secrets().deviceCaKey().orElseThrow());
    }

    @Test
    default void deviceCaKeyOrStoreKeepsTheStoredKey() throws Exception {
        byte[] first = "sealed-ca-key-1".getBytes(StandardCharsets.UTF_8);
        secrets().deviceCaKeyOrStore(first);

        assertArrayEquals(first, secrets().deviceCaKeyOrStore("sealed-ca-key-2".getBytes(StandardCharsets.UTF_8)));
        assertArrayEquals(first, secrets().deviceCaKey().orElseThrow());
    }

    @Test
    default void racingDeviceCaWritersAllGetTheFirstWritersKey() throws Exception {
        int writers = 4;
        CyclicBarrier barrier = new CyclicBarrier(writers);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<byte[]>> results = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                byte[] candidate = ("sealed-ca-key-of-writer-" + i).getBytes(StandardCharsets.UTF_8);
                results.add(pool.submit(() -> {
                    barrier.await();
                    return secrets().deviceCaKeyOrStore(candidate);
                }));
            }
            byte[] stored = results.get(0).get();
            for (Future<byte[]> result : results) {
                assertArrayEquals(stored, result.get());
            }
            assertArrayEquals(stored, secrets().deviceCaKey().orElseThrow());
        } finally {
            pool.shutdownNow();
        }
    }
}
