package io.commucat.ccp.server.handshake;

import io.commucat.ccp.crypto.Hex;
import io.commucat.ccp.crypto.cert.CertificateException;
import io.commucat.ccp.crypto.cert.CertificateFields;
import io.commucat.ccp.crypto.cert.CertificateValidity;
import io.commucat.ccp.crypto.cert.CertificateVerifier;
import io.commucat.ccp.crypto.cert.DeviceCertificate;
import io.commucat.ccp.crypto.cert.DeviceCertificateAuthority;
import io.commucat.ccp.server.admission.ClientAddress;
import io.commucat.ccp.server.admission.RateLimiter;
import io.commucat.ccp.server.storage.Device;
import io.commucat.ccp.server.storage.DeviceKeyEvent;
import io.commucat.ccp.server.storage.DeviceOwner;
import io.commucat.ccp.server.storage.DeviceStatus;
import io.commucat.ccp.server.storage.Directory;
import io.commucat.ccp.server.storage.IssuedCertificate;
import io.commucat.ccp.server.storage.StorageException;
import io.commucat.ccp.server.storage.User;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Steps 6–9 of the server's Hello processing (ccp-1.md §3.2): who the device is, whether it may
 * register, its certificate, its profile hints. Blocking (it talks to the Directory): run it off
 * the event loops. Thread-safe.
 */
public final class DeviceResolver {

    private final Directory directory;
    private final DeviceCertificateAuthority ca;
    private final CertificateVerifier verifier;
    private final HandshakePolicy policy;
    private final SecureRandom random;
    private final RateLimiter registrations;

    /** Without a limit on registrations per address (tests of other rules). */
    public DeviceResolver(Directory directory, DeviceCertificateAuthority ca, HandshakePolicy policy,
            SecureRandom random) {
        this(directory, ca, policy, random, RateLimiter.unlimited("register"));
    }

    /**
     * @param registrations counts, per client address, the Hellos of unknown devices (each may
     *     create a user and register a device), before any of that is stored
     */
    public DeviceResolver(Directory directory, DeviceCertificateAuthority ca, HandshakePolicy policy,
            SecureRandom random, RateLimiter registrations) {
        this.directory = directory;
        this.ca = ca;
        this.verifier = ca.verifier();
        this.policy = policy;
        this.random = random;
        this.registrations = registrations;
    }

    /** {@link #resolve(HelloRequest, Instant, ClientAddress)} for a peer of unknown address. */
    public Resolution resolve(HelloRequest hello, Instant now) throws HandshakeException {
        return resolve(hello, now, ClientAddress.UNKNOWN);
    }

    /** @param client the peer's address key, which a registration is counted against */
    public Resolution resolve(HelloRequest hello, Instant now, ClientAddress client) throws HandshakeException {
        try {
            return resolveOrThrow(hello, now, client);
        } catch (StorageException e) {
            if (e.kind() == StorageException.Kind.INVALID) {
                // A hint the Hello's limits allow but a column does not (a 256-character handle).
                throw HandshakeException.invalid("a user hint is too long or holds a character that cannot be stored");
            }
            throw new HandshakeException(HandshakeException.Kind.UNAVAILABLE, "storage failure", e);
        }
    }

    private Resolution resolveOrThrow(HelloRequest hello, Instant now, ClientAddress client)
            throws HandshakeException, StorageException {
        // A known device (the common case) needs its user too: both in one read.
        Optional<DeviceOwner> known = directory.findDeviceWithOwner(hello.deviceId());
        User user;
        boolean deviceKnown = known.isPresent();
        if (deviceKnown) {
            try {
                user = knownDeviceUser(hello, known.get());
            } catch (HandshakeException e) {
                throw e.forKnownDevice(known.get().device().userId());
            }
        } else {
            admitRegistration(client);
            user = registerUnknownDevice(hello, now);
        }

        DeviceCertificate certificate = hello.certificate();
        boolean issued = false;
        if (certificate != null) {
            checkPresentedCertificate(certificate, hello, user, now);
            if (!Arrays.equals(certificate.fields().publicKey(), hello.devicePublic())) {
                // Step 7: the original's older certificates name the Noise static key.
                certificate = issue(hello, user, now);
                issued = true;
            }
        } else {
            certificate = issue(hello, user, now);
            issued = true;
        }

        if (hello.displayNameHint() != null || hello.avatarUrlHint() != null) {
            boolean changed = !Objects.equals(hello.displayNameHint(), user.displayName()) && hello.displayNameHint() != null
                    || !Objects.equals(hello.avatarUrlHint(), user.avatarUrl()) && hello.avatarUrlHint() != null;
            if (changed) {
                directory.updateProfile(user.id(), hello.displayNameHint(), hello.avatarUrlHint());
                user = new User(user.id(), user.handle(),
                        hello.displayNameHint() != null ? hello.displayNameHint() : user.displayName(),
                        hello.avatarUrlHint() != null ? hello.avatarUrlHint() : user.avatarUrl(),
                        user.createdAt());
            }
        }
        return new Resolution(user, deviceKnown, certificate, issued, furtherDevicesNeedPairing(user));
    }

    /**
     * Records that the device was connected at {@code at} (its {@code last_seen}): when a session
     * of it is established and when one ends. Blocking.
     */
    public void seen(String deviceId, Instant at) throws StorageException {
        directory.touchDevice(deviceId, at);
    }

    /**
     * {@link #seen} for many devices at once (the ends of a node's sessions, in batches), in one
     * statement where the store can; never moves a device's {@code last_seen} back. Blocking.
     */
    public void seenAll(Map<String, Instant> lastSeen) throws StorageException {
        if (!lastSeen.isEmpty()) {
            directory.touchDevices(lastSeen);
        }
    }

    /** Whether the device exists and is active (a connected device's periodic check). Blocking. */
    public boolean active(String deviceId) throws StorageException {
        return directory.findDevice(deviceId).map(Device::active).orElse(false);
    }

    /** As the original computes Ack's {@code pairing_required}, under our policy. */
    private boolean furtherDevicesNeedPairing(User user) throws StorageException {
        if (!policy.autoApproveDevices() || !policy.autoApproveExistingUsers()) {
            return true;
        }
        int max = policy.maxAutoDevicesPerUser();
        return max > 0 && directory.countActiveDevices(user.id()) >= max;
    }

    /** Step 6, known device: active, hints agree, same key (Deviation: no silent key replacement). */
    private User knownDeviceUser(HelloRequest hello, DeviceOwner known) throws HandshakeException, StorageException {
        Device device = known.device();
        if (device.status() != DeviceStatus.ACTIVE) {
            throw HandshakeException.invalid("device is not active");
        }
        if (hello.userIdHint() != null && !hello.userIdHint().equals(device.userId())) {
            throw HandshakeException.invalid("user does not match the device");
        }
        User user = known.owner()
                .orElseThrow(() -> new StorageException(StorageException.Kind.CORRUPT, "device without user"));
        if (hello.handleHint() != null && !hello.handleHint().equals(user.handle())) {
            throw HandshakeException.invalid("handle does not match the device");
        }
        if (!MessageDigest.isEqual(Hex.decode(device.publicKey()), hello.devicePublic())) {
            throw HandshakeException.invalid("device key mismatch");
        }
        return user;
    }

    /**
     * Issue 15: auto-approval created accounts without limit from one address. Every Hello of an
     * unknown device counts, whatever its outcome: it is the attempt that costs (a user may be
     * created before the policy says no).
     */
    private void admitRegistration(ClientAddress client) throws HandshakeException {
        if (!registrations.admit(client).admitted()) {
            throw new HandshakeException(HandshakeException.Kind.RATE_LIMITED,
                    "too many new devices from this address, retry later");
        }
    }

    /** Step 6, unknown device: find or create its user, then register it if policy allows. */
    private User registerUnknownDevice(HelloRequest hello, Instant now) throws HandshakeException, StorageException {
        User user;
        boolean createdNow = false;
        boolean vouched = false;
        if (hello.certificate() != null) {
            // A certificate of our CA for this device is not a bare hint: it proves the device
            // was registered with that user before (e.g. on a database that was restored).
            checkPresentedCertificate(hello.certificate(), hello, null, now);
            String certUser = hello.certificate().fields().userId();
            user = directory.findUser(certUser).orElseThrow(() -> HandshakeException.invalid("certificate user is unknown"));
            vouched = true;
        } else if (hello.userIdHint() != null) {
            user = directory.findUser(hello.userIdHint()).orElseThrow(() -> HandshakeException.invalid("user is unknown"));
        } else if (hello.handleHint() != null) {
            Optional<User> existing = directory.findUserByHandle(hello.handleHint());
            if (existing.isPresent()) {
                user = existing.get();
            } else {
                FoundUser found = createUser(hello, now);
                user = found.user();
                createdNow = found.createdNow();
            }
        } else {
            throw HandshakeException.invalid("user hint required to register a device");
        }

        if (!policy.autoApproveDevices() || !(createdNow || vouched || policy.autoApproveExistingUsers())) {
            throw new HandshakeException(HandshakeException.Kind.PAIRING_REQUIRED, "pairing required");
        }
        Device device = new Device(hello.deviceId(), user.id(), Hex.encode(hello.devicePublic()), DeviceStatus.ACTIVE,
                now, null, null);
        DeviceKeyEvent event = new DeviceKeyEvent(newId("dke-"), hello.deviceId(), "register",
                Hex.encode(hello.devicePublic()), now);
        try {
            directory.registerDevice(device, event, policy.maxAutoDevicesPerUser());
        } catch (StorageException e) {
            if (e.kind() == StorageException.Kind.LIMIT_REACHED) {
                throw new HandshakeException(HandshakeException.Kind.PAIRING_REQUIRED, "pairing required");
            }
            if (e.kind() == StorageException.Kind.CONFLICT) {
                throw HandshakeException.invalid("device was registered concurrently; retry");
            }
            throw e;
        }
        return user;
    }

    private record FoundUser(User user, boolean createdNow) {
    }

    private FoundUser createUser(HelloRequest hello, Instant now) throws StorageException {
        User fresh = new User(newId("u-"), hello.handleHint(), hello.displayNameHint(), hello.avatarUrlHint(), now);
        try {
            return new FoundUser(directory.createUser(fresh), true);
        } catch (StorageException e) {
            if (e.kind() != StorageException.Kind.CONFLICT) {
                throw e;
            }
            // Another Hello created the handle first: that user existed before this Hello.
            User other = directory.findUserByHandle(hello.handleHint())
                    .orElseThrow(() -> new StorageException(StorageException.Kind.CORRUPT, "handle conflict without user"));
            return new FoundUser(other, false);
        }
    }

    /**
     * Step 7: signed by our CA, names this device (and user, once known), valid now; the key is
     * {@code device_public} or, for the original's older certificates, {@code client_static}.
     */
    private void checkPresentedCertificate(DeviceCertificate certificate, HelloRequest hello, User user, Instant now)
            throws HandshakeException {
        try {
            verifier.verify(certificate);
            CertificateFields fields = certificate.fields();
            if (user != null) {
                CertificateValidity.check(fields, user.id(), hello.deviceId(), now.getEpochSecond());
            } else {
                CertificateValidity.check(fields, fields.userId(), hello.deviceId(), now.getEpochSecond());
            }
            byte[] key = fields.publicKey();
            if (!MessageDigest.isEqual(key, hello.devicePublic()) && !MessageDigest.isEqual(key, hello.clientStatic())) {
                throw HandshakeException.invalid("certificate names another key");
            }
        } catch (CertificateException e) {
            throw HandshakeException.invalid("certificate rejected: " + e.kind().name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    private DeviceCertificate issue(HelloRequest hello, User user, Instant now) throws StorageException {
        long serial = directory.nextCertificateSerial();
        DeviceCertificate certificate = ca.issue(serial, user.id(), hello.deviceId(), hello.devicePublic(),
                now.getEpochSecond(), policy.certificateValidity());
        directory.recordCertificate(new IssuedCertificate(serial, hello.deviceId(), user.id(),
                Hex.encode(hello.devicePublic()), Instant.ofEpochSecond(certificate.fields().issuedAt()),
                Instant.ofEpochSecond(certificate.fields().expiresAt())));
        return certificate;
    }

    private String newId(String prefix) {
        byte[] bytes = new byte[12];
        random.nextBytes(bytes);
        return prefix + Hex.encode(bytes);
    }
}
