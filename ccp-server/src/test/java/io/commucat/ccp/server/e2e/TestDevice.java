package io.commucat.ccp.server.e2e;

import io.commucat.ccp.client.handshake.DeviceHandshake;
import io.commucat.ccp.client.handshake.DeviceIdentity;
import io.commucat.ccp.client.handshake.EstablishedSession;
import io.commucat.ccp.client.handshake.UserHints;
import io.commucat.ccp.client.transport.H2Connection;
import io.commucat.ccp.crypto.keys.DeviceKeyPair;
import io.commucat.ccp.crypto.noise.NoiseKeyPair;
import io.commucat.ccp.crypto.noise.NoisePattern;
import java.security.SecureRandom;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/** A device's identity across attempts: fresh keys, and the certificate once the server issued one. */
final class TestDevice {

    static final SecureRandom RANDOM = new SecureRandom();
    /** Every device any test made, so the ledger can be searched for their keys. */
    static final Queue<TestDevice> ALL = new ConcurrentLinkedQueue<>();

    final String id;
    DeviceIdentity identity;

    TestDevice(String id) {
        this.id = id;
        this.identity = new DeviceIdentity(id, DeviceKeyPair.generate(RANDOM), NoiseKeyPair.generate(RANDOM), null);
        ALL.add(this);
    }

    /** The device's private key material: Ed25519 secret key and Noise private key. */
    List<byte[]> secrets() {
        return List.of(identity.deviceKey().secretKey(), identity.noiseKey().privateKey());
    }

    DeviceHandshake handshake(TestNode node, NoisePattern pattern, UserHints hints) {
        return handshake(node, pattern, hints, node.noisePublic);
    }

    DeviceHandshake handshake(TestNode node, NoisePattern pattern, UserHints hints, byte[] serverKey) {
        return new DeviceHandshake(identity, node.domain(), serverKey, DeviceHandshake.defaultPrologue(), pattern,
                hints, RANDOM);
    }

    /** Starts a bootstrap on a new stream of {@code connection}. */
    DeviceRun start(TestNode node, H2Connection connection, NoisePattern pattern, UserHints hints) {
        return DeviceRun.start(connection, handshake(node, pattern, hints));
    }

    DeviceRun start(TestNode node, NoisePattern pattern, UserHints hints) {
        return start(node, node.connection, pattern, hints);
    }

    /** Bootstraps and keeps the issued certificate for the next attempt. */
    DeviceRun connect(TestNode node, NoisePattern pattern, UserHints hints) throws Exception {
        DeviceRun run = start(node, pattern, hints);
        EstablishedSession session = run.awaitEstablished();
        identity = identity.withCertificate(session.certificate());
        return run;
    }
}
