package io.commucat.ccp.server.rotation;

import io.commucat.ccp.crypto.Hex;
import io.commucat.ccp.crypto.cert.DeviceCertificate;
import io.commucat.ccp.crypto.cert.DeviceCertificateAuthority;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.server.audit.Audit;
import io.commucat.ccp.server.config.ServerConfig;
import io.commucat.ccp.server.http.rest.ApiException;
import io.commucat.ccp.server.http.rest.JsonBody;
import io.commucat.ccp.server.storage.Device;
import io.commucat.ccp.server.storage.DeviceKeyEvent;
import io.commucat.ccp.server.storage.Directory;
import io.commucat.ccp.server.storage.IssuedCertificate;
import io.commucat.ccp.server.storage.StorageException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A device replaces its own key (rest.md {@code POST /api/device/csr}; ccp-1.md §3.2: the only
 * way a device's key changes). The rules, in the original's order: the request's fields, a key
 * equal to the current one (409 {@code public key unchanged}), the minimum interval since the
 * device's last key event (409 {@code rotation interval not elapsed}), the signature by the
 * current key (400). Then the key is replaced only while it is still the one the signature was
 * checked against (a racing rotation's loser gets 409), a certificate for the new key is issued
 * and recorded, the ledger gets {@code device/rotate}, and the device's open sessions get a
 * {@code KeyUpdate} frame.
 *
 * <p>The key change and the certificate are separate transactions: should recording the
 * certificate fail, the new key is in place and the request answers 5xx; the device then
 * connects with its new key and no certificate, and the handshake issues one (§3.2 step 8).
 *
 * <p>Blocking (storage): run it off the event loops. Thread-safe.
 */
public final class DeviceKeyRotation {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceKeyRotation.class);
    private static final int ID_BYTES = 16;

    private final Directory directory;
    private final DeviceCertificateAuthority ca;
    private final Duration certificateValidity;
    private final ServerConfig.DeviceRotation policy;
    private final BiConsumer<String, Frame> notifier;
    private final Audit audit;
    private final SecureRandom random;
    private final Clock clock;
    private final Counter rotations;

    /**
     * @param notifier sends a frame to a device's open sessions on any node (a node passes
     *     {@code DeviceNotifier}); live only, so a device not connected learns of the rotation
     *     from the REST answer
     */
    public DeviceKeyRotation(Directory directory, DeviceCertificateAuthority ca, Duration certificateValidity,
            ServerConfig.DeviceRotation policy, BiConsumer<String, Frame> notifier, Audit audit, SecureRandom random,
            Clock clock, MeterRegistry metrics) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.ca = Objects.requireNonNull(ca, "ca");
        this.certificateValidity = Objects.requireNonNull(certificateValidity, "certificateValidity");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.notifier = Objects.requireNonNull(notifier, "notifier");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.rotations = Counter.builder("ccp.device.key.rotations")
                .description("device keys replaced through POST /api/device/csr")
                .register(Objects.requireNonNull(metrics, "metrics"));
    }

    /**
     * Applies {@code body} for {@code device}, as authenticated (its key as read then is the one
     * the signature must match and the one the rotation replaces).
     *
     * @throws ApiException 400 for a bad field or signature, 409 for an unchanged key, an
     *     interval not elapsed or a racing change of the device
     */
    public Rotation rotate(Device device, JsonBody body) throws ApiException, StorageException {
        Instant now = clock.instant();
        RotationRequest request = RotationRequest.read(body, now, policy.proofTtl());
        byte[] currentKey = Hex.decodeFixed(device.publicKey(), request.publicKey().length);
        if (MessageDigest.isEqual(request.publicKey(), currentKey)) {
            throw ApiException.conflict("public key unchanged");
        }
        if (!policy.minInterval().isZero()) {
            Optional<DeviceKeyEvent> last = directory.lastKeyEvent(device.id());
            if (last.isPresent() && Duration.between(last.get().at(), now).compareTo(policy.minInterval()) < 0) {
                throw ApiException.conflict("rotation interval not elapsed");
            }
        }
        if (!request.signedBy(currentKey, device.id())) {
            throw ApiException.badRequest("signature does not verify with the device's current key");
        }

        String newKey = Hex.encode(request.publicKey());
        String eventId = newId("dke-");
        String rotationId = newId("rot-");
        try {
            directory.rotateDeviceKey(device.id(), device.publicKey(),
                    new DeviceKeyEvent(eventId, device.id(), "rotate", newKey, now));
        } catch (StorageException e) {
            if (e.kind() == StorageException.Kind.CONFLICT) {
                throw ApiException.conflict("the device's key changed or the device was revoked meanwhile");
            }
            throw e;
        }
        DeviceCertificate certificate = issue(device, request.publicKey(), newKey, now);
        rotations.increment();
        audit.deviceKeyRotated(device.id(), device.userId(), rotationId, eventId, device.publicKey(), newKey,
                certificate.fields());
        Rotation rotation = new Rotation(device.id(), device.userId(), newKey, device.publicKey(), rotationId, eventId,
                now, request.expiresAt(), certificate);
        announce(rotation);
        return rotation;
    }

    private DeviceCertificate issue(Device device, byte[] publicKey, String publicKeyHex, Instant now)
            throws StorageException {
        long serial = directory.nextCertificateSerial();
        DeviceCertificate certificate = ca.issue(serial, device.userId(), device.id(), publicKey, now.getEpochSecond(),
                certificateValidity);
        directory.recordCertificate(new IssuedCertificate(serial, device.id(), device.userId(), publicKeyHex,
                Instant.ofEpochSecond(certificate.fields().issuedAt()),
                Instant.ofEpochSecond(certificate.fields().expiresAt())));
        return certificate;
    }

    /**
     * The rotation is done whatever happens here: a failure to tell the open sessions is logged,
     * not answered as an error the device would take for a failed rotation.
     */
    private void announce(Rotation rotation) {
        try {
            notifier.accept(rotation.deviceId(),
                    Frame.control(FrameType.KEY_UPDATE, policy.notifyChannel(), 0, rotation.keyUpdate()));
        } catch (RuntimeException e) {
            LOG.warn("key rotation {} of device {}: KeyUpdate not sent: {}", rotation.rotationId(), rotation.deviceId(),
                    e.toString());
        }
    }

    private String newId(String prefix) {
        byte[] bytes = new byte[ID_BYTES];
        random.nextBytes(bytes);
        return prefix + Hex.encode(bytes);
    }
}
