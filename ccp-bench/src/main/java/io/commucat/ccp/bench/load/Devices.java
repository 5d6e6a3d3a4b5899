package io.commucat.ccp.bench.load;

import io.commucat.ccp.client.handshake.DeviceHandshake;
import io.commucat.ccp.client.handshake.DeviceIdentity;
import io.commucat.ccp.client.handshake.UserHints;
import io.commucat.ccp.crypto.Hex;
import io.commucat.ccp.crypto.keys.DeviceKeyPair;
import io.commucat.ccp.crypto.noise.NoiseKeyPair;
import io.commucat.ccp.crypto.noise.NoisePattern;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/** Makes device identities and their bootstrap state machines for one server. Thread-safe. */
final class Devices {

    private final SecureRandom random = new SecureRandom();
    private final AtomicLong next = new AtomicLong();
    private final String run;
    private final String domain;
    private final byte[] serverNoiseKey;
    private final byte[] prologue;

    Devices(String domain, byte[] serverNoiseKey, byte[] prologue) {
        byte[] id = new byte[4];
        random.nextBytes(id);
        this.run = Hex.encode(id);
        this.domain = domain;
        this.serverNoiseKey = serverNoiseKey.clone();
        this.prologue = prologue.clone();
    }

    /** A device the server has never seen: new keys, no certificate. */
    DeviceIdentity fresh() {
        return new DeviceIdentity("load-" + run + "-" + next.incrementAndGet(), DeviceKeyPair.generate(random),
                NoiseKeyPair.generate(random), null);
    }

    /**
     * A device without a certificate registers under a new user named after it (auto-approval
     * lets a Hello create a user and its first device); one with a certificate sends no hints.
     */
    DeviceHandshake handshake(DeviceIdentity device, NoisePattern pattern) {
        UserHints hints = device.certificate() == null ? UserHints.handle(device.deviceId()) : UserHints.NONE;
        return new DeviceHandshake(device, domain, serverNoiseKey, prologue, pattern, hints, random);
    }
}
