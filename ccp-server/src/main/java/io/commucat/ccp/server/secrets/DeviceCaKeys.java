package io.commucat.ccp.server.secrets;

import io.commucat.ccp.crypto.keys.DeviceCaKeyPair;
import io.commucat.ccp.server.storage.Secrets;
import io.commucat.ccp.server.storage.StorageException;
import java.util.Arrays;

/**
 * The device CA key of the deployment. The first node to start stores its data directory's seed
 * in the Secrets port; every node then uses the stored one, so all nodes sign with one CA.
 */
public final class DeviceCaKeys {

    static final String LABEL = "device-ca";

    private DeviceCaKeys() {
    }

    /** Blocking: call at start, off the event loops. */
    public static DeviceCaKeyPair load(Secrets secrets, SecretSealer sealer, byte[] localSeed)
            throws StorageException, SecretsException {
        byte[] stored = secrets.deviceCaKeyOrStore(sealer.seal(localSeed, LABEL));
        byte[] seed = sealer.open(stored, LABEL);
        try {
            return DeviceCaKeyPair.fromSeed(seed);
        } catch (IllegalArgumentException e) {
            throw new SecretsException("stored device CA seed is unusable", e);
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }
}
