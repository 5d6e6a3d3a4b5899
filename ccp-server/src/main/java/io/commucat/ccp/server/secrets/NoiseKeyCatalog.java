package io.commucat.ccp.server.secrets;

import io.commucat.ccp.crypto.noise.NoiseKeyPair;
import io.commucat.ccp.server.handshake.ActiveNoiseKey;
import io.commucat.ccp.server.handshake.NoiseKeyRing;
import io.commucat.ccp.server.storage.NoiseKeyRecord;
import io.commucat.ccp.server.storage.Secrets;
import io.commucat.ccp.server.storage.StorageException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's Noise static keys: versions with {@code valid_after}, {@code rotates_at} and
 * {@code expires_at} (issue #10, item 7), kept in the Secrets port and cached here.
 *
 * <p>Rotation: when the newest key reaches {@code rotates_at}, {@link #rotateIfDue()} adds a
 * new version; the old one keeps completing handshakes until its {@code expires_at}
 * ({@code rotates_at + grace}), so devices that learned it recently still connect. Several nodes
 * may race to rotate: the Secrets port accepts one version number once and the losers re-read.
 *
 * <p>Reads ({@link #active}, {@link #catalog}) use an immutable snapshot and never block, so the
 * handshake may call them on an event loop; {@link #open} and {@link #rotateIfDue} do storage
 * I/O and run off the loops.
 */
public final class NoiseKeyCatalog implements NoiseKeyRing {

    private static final Logger LOG = LoggerFactory.getLogger(NoiseKeyCatalog.class);

    /** Hears the rotations this node made (for the audit ledger); never the key itself. */
    @FunctionalInterface
    public interface RotationListener {

        RotationListener NONE = key -> { };

        /** {@code key} was added by this node (not by another node that won the race). Blocking is fine. */
        void rotated(ActiveNoiseKey key);
    }

    private final Secrets secrets;
    private final SecretSealer sealer;
    private final Duration interval;
    private final Duration grace;
    private final int maxVersions;
    private final Clock clock;
    private final SecureRandom random;
    private final RotationListener listener;
    private volatile List<ActiveNoiseKey> keys = List.of();

    private NoiseKeyCatalog(Secrets secrets, SecretSealer sealer, Duration interval, Duration grace, int maxVersions,
            Clock clock, SecureRandom random, RotationListener listener) {
        this.listener = listener;
        this.secrets = secrets;
        this.sealer = sealer;
        this.interval = interval;
        this.grace = grace;
        this.maxVersions = maxVersions;
        this.clock = clock;
        this.random = random;
    }

    /**
     * Loads the catalog; on a store without keys, makes version 1 from {@code firstSeed} (the
     * data directory's {@code noise-static.key}), so a single node keeps its key across restarts.
     * Rotates at once when the newest key is due.
     */
    public static NoiseKeyCatalog open(Secrets secrets, SecretSealer sealer, Duration interval, Duration grace,
            int maxVersions, byte[] firstSeed, Clock clock, SecureRandom random)
            throws StorageException, SecretsException {
        return open(secrets, sealer, interval, grace, maxVersions, firstSeed, clock, random, RotationListener.NONE);
    }

    /** As {@link #open(Secrets, SecretSealer, Duration, Duration, int, byte[], Clock, SecureRandom)}, reporting rotations. */
    public static NoiseKeyCatalog open(Secrets secrets, SecretSealer sealer, Duration interval, Duration grace,
            int maxVersions, byte[] firstSeed, Clock clock, SecureRandom random, RotationListener listener)
            throws StorageException, SecretsException {
        NoiseKeyCatalog catalog = new NoiseKeyCatalog(secrets, sealer, interval, grace, maxVersions, clock, random,
                listener);
        catalog.reload();
        if (catalog.keys.isEmpty()) {
            catalog.add(1, firstSeed.clone());
        }
        catalog.rotateIfDue();
        return catalog;
    }

    /** Adds a version when the newest is due and drops versions past their expiry. Blocking. */
    public void rotateIfDue() throws StorageException, SecretsException {
        Instant now = clock.instant();
        ActiveNoiseKey newest = keys.isEmpty() ? null : keys.get(0);
        if (newest != null && now.isBefore(newest.rotatesAt())) {
            return;
        }
        int version = newest == null ? 1 : newest.version() + 1;
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        boolean ours = add(version, secret);
        LOG.info("noise static key rotated to version {}", version);
        if (ours) {
            keys.stream().filter(k -> k.version() == version).findFirst().ifPresent(listener::rotated);
        }
        for (NoiseKeyRecord record : secrets.noiseKeys()) {
            if (record.expiresAt().isBefore(now)) {
                secrets.deleteNoiseKey(record.version());
            }
        }
        reload();
    }

    /** Stores a version; false when another node had stored it first. */
    private boolean add(int version, byte[] privateKey) throws StorageException, SecretsException {
        Instant now = clock.instant();
        NoiseKeyPair pair = NoiseKeyPair.fromPrivateKey(privateKey);
        Instant rotatesAt = now.plus(interval);
        try {
            secrets.addNoiseKey(new NoiseKeyRecord(version, pair.publicKey(), sealer.seal(privateKey, label(version)),
                    now, rotatesAt, rotatesAt.plus(grace)));
        } catch (StorageException e) {
            if (e.kind() != StorageException.Kind.CONFLICT) {
                throw e;
            }
            // Another node added this version first: its key is the one.
            reload();
            return false;
        } finally {
            Arrays.fill(privateKey, (byte) 0);
        }
        reload();
        return true;
    }

    /** Re-reads the catalog from the Secrets port (after another node rotated). Blocking. */
    public void reload() throws StorageException, SecretsException {
        List<ActiveNoiseKey> loaded = new ArrayList<>();
        for (NoiseKeyRecord record : secrets.noiseKeys()) {
            byte[] secret = sealer.open(record.sealedPrivateKey(), label(record.version()));
            NoiseKeyPair pair = NoiseKeyPair.fromPrivateKey(secret);
            Arrays.fill(secret, (byte) 0);
            if (!Arrays.equals(pair.publicKey(), record.publicKey())) {
                throw new SecretsException("noise key version " + record.version() + " does not match its public key");
            }
            loaded.add(new ActiveNoiseKey(record.version(), pair, record.validAfter(), record.rotatesAt(),
                    record.expiresAt()));
        }
        loaded.sort(Comparator.comparingInt(ActiveNoiseKey::version).reversed());
        keys = List.copyOf(loaded.size() > maxVersions ? loaded.subList(0, maxVersions) : loaded);
    }

    @Override
    public List<ActiveNoiseKey> active(Instant now) {
        List<ActiveNoiseKey> out = new ArrayList<>();
        for (ActiveNoiseKey key : keys) {
            if (!now.isBefore(key.validAfter()) && now.isBefore(key.expiresAt())) {
                out.add(key);
            }
        }
        return out;
    }

    @Override
    public List<ActiveNoiseKey> catalog(Instant now) {
        List<ActiveNoiseKey> out = new ArrayList<>();
        for (ActiveNoiseKey key : keys) {
            if (now.isBefore(key.expiresAt())) {
                out.add(key);
            }
        }
        return out;
    }

    private static String label(int version) {
        return "noise-key:" + version;
    }
}
