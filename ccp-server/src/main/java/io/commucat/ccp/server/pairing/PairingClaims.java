package io.commucat.ccp.server.pairing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.commucat.ccp.crypto.Hex;
import io.commucat.ccp.crypto.cert.DeviceCertificate;
import io.commucat.ccp.crypto.cert.DeviceCertificateAuthority;
import io.commucat.ccp.crypto.keys.DeviceKeyPair;
import io.commucat.ccp.crypto.keys.Ed25519Signatures;
import io.commucat.ccp.server.admission.ClientAddress;
import io.commucat.ccp.server.admission.RateLimiter;
import io.commucat.ccp.server.audit.Audit;
import io.commucat.ccp.server.http.rest.ApiException;
import io.commucat.ccp.server.http.rest.Json;
import io.commucat.ccp.server.http.rest.JsonBody;
import io.commucat.ccp.server.http.rest.RestRequest;
import io.commucat.ccp.server.http.rest.RestResponse;
import io.commucat.ccp.server.pairing.PairingMetrics.ClaimResult;
import io.commucat.ccp.server.storage.Device;
import io.commucat.ccp.server.storage.DeviceKeyEvent;
import io.commucat.ccp.server.storage.DeviceStatus;
import io.commucat.ccp.server.storage.Directory;
import io.commucat.ccp.server.storage.IssuedCertificate;
import io.commucat.ccp.server.storage.PairingCode;
import io.commucat.ccp.server.storage.PairingCodes;
import io.commucat.ccp.server.storage.StorageException;
import io.commucat.ccp.server.storage.User;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code POST /api/pair/claim} (rest.md): redeems a code for a new device of the code's user.
 * Unauthenticated, so the per-address pairing limit is asked before anything else. Blocking
 * (storage); thread-safe.
 *
 * <p>With {@code device_public} the device keeps its key and proves it holds it: {@code proof}
 * is its Ed25519 signature over {@code ccp-pair-claim:} + the normalised code. A missing or bad
 * proof on a live code counts one failed attempt against that code (the fifth locks it). Without
 * {@code device_public} (the original's way, if {@code pairing.allow_server_generated_keys}) the
 * server makes the key pair and returns it.
 *
 * <p>The code is redeemed (one conditional update, so single use under racing claims) before
 * the device is registered; if registration then fails, the code stays used and the user issues
 * another.
 */
final class PairingClaims {

    /** Longest {@code device_name}, as the handshake's display name hints. */
    static final int MAX_DEVICE_NAME = 256;

    private final PairingCodes codes;
    private final PairCodeKey key;
    private final Directory directory;
    private final DeviceCertificateAuthority ca;
    private final Duration certificateValidity;
    private final boolean allowServerGeneratedKeys;
    private final int maxDevicesPerUser;
    private final RateLimiter limiter;
    private final Audit audit;
    private final PairingMetrics metrics;
    private final SecureRandom random;
    private final Clock clock;

    PairingClaims(PairingCodes codes, PairCodeKey key, Directory directory, DeviceCertificateAuthority ca,
            Duration certificateValidity, boolean allowServerGeneratedKeys, int maxDevicesPerUser, RateLimiter limiter,
            Audit audit, PairingMetrics metrics, SecureRandom random, Clock clock) {
        this.maxDevicesPerUser = maxDevicesPerUser;
        this.codes = Objects.requireNonNull(codes, "codes");
        this.key = Objects.requireNonNull(key, "key");
        this.directory = Objects.requireNonNull(directory, "directory");
        this.ca = Objects.requireNonNull(ca, "ca");
        this.certificateValidity = Objects.requireNonNull(certificateValidity, "certificateValidity");
        this.allowServerGeneratedKeys = allowServerGeneratedKeys;
        this.limiter = Objects.requireNonNull(limiter, "limiter");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** What a claim asked for, checked for form (nothing looked up yet). */
    private record Claim(PairCode code, Optional<String> deviceName, Optional<byte[]> devicePublic,
            Optional<String> proof) {
    }

    private static ApiException tooManyDevices() {
        return ApiException.conflict("the user has the most active devices allowed (pairing.max_devices_per_user);"
                + " revoke one first");
    }

    /**
     * A code dies with the device that issued it: once the owner revokes a stolen phone, the
     * codes it handed out must not bring the thief's next device in. (Admin codes have no issuer.)
     */
    private void requireIssuerActive(PairingCode stored) throws ApiException, StorageException {
        String issuer = stored.issuerDeviceId();
        if (issuer != null && !directory.findDevice(issuer).map(Device::active).orElse(false)) {
            metrics.claim(ClaimResult.ISSUER_REVOKED);
            throw ApiException.badRequest("pair_code was issued by a device that has since been revoked");
        }
    }

    RestResponse claim(RestRequest request) throws ApiException, StorageException {
        RateLimiter.Verdict verdict = limiter.admit(ClientAddress.parse(request.remoteAddress()));
        if (!verdict.admitted()) {
            metrics.claim(ClaimResult.RATE_LIMITED);
            throw ApiException.tooManyRequests(limiter.name(), verdict.retryAfterSeconds());
        }
        Claim claim = read(JsonBody.of(request));
        PairCode code = claim.code();
        PairingCode stored = codes.find(key.hash(code)).orElseThrow(() -> {
            metrics.claim(ClaimResult.UNKNOWN);
            return ApiException.notFound("unknown pairing code");
        });
        Instant now = clock.instant();
        requireLive(stored, now);
        requireIssuerActive(stored);

        byte[] publicKey;
        DeviceKeyPair generated = null;
        byte[] seed = null;
        if (claim.devicePublic().isPresent()) {
            publicKey = claim.devicePublic().get();
            checkProof(claim, stored, publicKey, request.remoteAddress(), now);
        } else {
            seed = new byte[DeviceKeyPair.MIN_SEED_LENGTH];
            random.nextBytes(seed);
            generated = DeviceKeyPair.fromSeed(seed);
            publicKey = generated.publicKey();
        }

        // Checked before the code is spent (a refusal leaves it usable once a device is revoked),
        // and again atomically with the insert below.
        if (directory.countActiveDevices(stored.userId()) >= maxDevicesPerUser) {
            throw tooManyDevices();
        }
        String deviceId = RandomIds.deviceId(random);
        if (!codes.redeem(key.hash(code), deviceId, now)) {
            // A racing claim (or the clock) got there first: say what the code is now.
            requireLive(codes.find(key.hash(code)).orElseThrow(() -> {
                metrics.claim(ClaimResult.UNKNOWN);
                return ApiException.notFound("unknown pairing code");
            }), now);
            metrics.claim(ClaimResult.USED);
            throw ApiException.badRequest("pair_code has already been used");
        }

        String userId = stored.userId();
        String publicKeyHex = Hex.encode(publicKey);
        try {
            // The code is the approval; the cap only bounds what one account can pile up.
            directory.registerDevice(
                    new Device(deviceId, userId, publicKeyHex, DeviceStatus.ACTIVE, now, claim.deviceName().orElse(null),
                            null),
                    new DeviceKeyEvent(RandomIds.prefixed("dke-", random), deviceId, "register", publicKeyHex, now),
                    maxDevicesPerUser);
        } catch (StorageException e) {
            if (e.kind() == StorageException.Kind.LIMIT_REACHED) {
                throw tooManyDevices(); // a racing claim took the last place after the check above
            }
            throw e;
        }
        audit.deviceRegistered(deviceId, userId, "pair-claim", request.remoteAddress());
        DeviceCertificate certificate = issueCertificate(userId, deviceId, publicKey, now, code);
        User user = directory.findUser(userId)
                .orElseThrow(() -> new StorageException(StorageException.Kind.CORRUPT, "pairing code without user"));
        metrics.claim(ClaimResult.CLAIMED);

        ObjectNode body = Json.object();
        body.put("device_id", deviceId);
        body.put("user_id", userId);
        body.set("user", userSnapshot(user));
        body.put("issuer_device_id", stored.issuerDeviceId());
        body.set("device_certificate", certificate.toJson());
        body.put("device_ca_public", Hex.encode(ca.publicKey()));
        claim.deviceName().ifPresent(name -> body.put("device_name", name));
        if (generated != null) {
            byte[] secret = generated.secretKey();
            body.put("private_key", Hex.encode(secret));
            body.put("public_key", publicKeyHex);
            body.put("seed", Hex.encode(seed));
            Arrays.fill(secret, (byte) 0);
            Arrays.fill(seed, (byte) 0);
        }
        return RestResponse.json(200, Json.bytes(body));
    }

    private Claim read(JsonBody body) throws ApiException {
        String text = body.text("pair_code", PairCode.MAX_INPUT_LENGTH);
        PairCode code = PairCode.parse(text).orElseThrow(() -> ApiException.badRequest(
                "pair_code must be 8 symbols of " + PairCode.ALPHABET + " (e.g. ABCD-EFGH; case, spaces and"
                        + " hyphens are ignored)"));
        Optional<String> deviceName = body.optionalText("device_name", MAX_DEVICE_NAME);
        if (deviceName.isPresent() && deviceName.get().chars().anyMatch(Character::isISOControl)) {
            throw ApiException.badRequest("device_name must not contain control characters");
        }
        Optional<byte[]> devicePublic = body.optionalHex("device_public", Ed25519Signatures.PUBLIC_KEY_LENGTH);
        // Read as text: a malformed proof is a bad proof, counted against the code like any other.
        Optional<String> proof = body.optionalText("proof", 2 * Ed25519Signatures.SIGNATURE_LENGTH + 64);
        if (devicePublic.isEmpty()) {
            if (proof.isPresent()) {
                throw ApiException.badRequest("proof needs device_public: the key that made it");
            }
            if (!allowServerGeneratedKeys) {
                throw ApiException.badRequest("device_public is required: this server does not generate device"
                        + " keys (send device_public and proof)");
            }
        }
        return new Claim(code, deviceName, devicePublic, proof);
    }

    /** 400 naming the state of a code that is not live; counts the claim in the metric. */
    private void requireLive(PairingCode stored, Instant now) throws ApiException {
        switch (stored.state(now)) {
            case LIVE -> {
            }
            case USED -> {
                metrics.claim(ClaimResult.USED);
                throw ApiException.badRequest("pair_code has already been used");
            }
            case LOCKED -> {
                metrics.claim(ClaimResult.LOCKED);
                throw ApiException.badRequest("pair_code is locked after " + PairingCodes.MAX_FAILED_ATTEMPTS
                        + " failed attempts; issue a new code");
            }
            case EXPIRED -> {
                metrics.claim(ClaimResult.EXPIRED);
                throw ApiException.badRequest("pair_code has expired; issue a new code");
            }
        }
    }

    /** A missing or bad proof counts against the live code (and may lock it); 400 either way. */
    private void checkProof(Claim claim, PairingCode stored, byte[] publicKey, String remoteAddress, Instant now)
            throws ApiException, StorageException {
        Optional<byte[]> signature = claim.proof().flatMap(PairingClaims::hex64);
        if (signature.isPresent()
                && Ed25519Signatures.verify(publicKey, claim.code().claimMessage(), signature.get())) {
            return;
        }
        String reason = claim.proof().isEmpty() ? "missing_proof" : "bad_proof";
        metrics.claim(ClaimResult.BAD_PROOF);
        Optional<PairingCode> after = codes.recordFailure(stored.codeHash(), now);
        String codeId = PairCode.idOf(stored.codeHash());
        int attempts = after.map(PairingCode::failedAttempts).orElse(stored.failedAttempts());
        boolean lockedNow = after.isPresent() && after.get().state(now) == PairingCode.State.LOCKED
                && attempts > stored.failedAttempts();
        audit.pairingClaimFailed(codeId, stored.userId(), reason, attempts, remoteAddress);
        if (lockedNow) {
            audit.pairingCodeLocked(codeId, stored.userId(), remoteAddress);
        }
        String what = claim.proof().isEmpty()
                ? "proof is required with device_public"
                : "proof must be the Ed25519 signature by device_public over \"" + PairCode.CLAIM_CONTEXT
                        + "\" and the code (8 symbols, upper case, no hyphen)";
        throw ApiException.badRequest(lockedNow ? what + "; the code is now locked" : what);
    }

    private static Optional<byte[]> hex64(String text) {
        if (text.length() != 2 * Ed25519Signatures.SIGNATURE_LENGTH) {
            return Optional.empty();
        }
        try {
            return Optional.of(Hex.decode(text.toLowerCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private DeviceCertificate issueCertificate(String userId, String deviceId, byte[] publicKey, Instant now,
            PairCode code) throws StorageException {
        long serial = directory.nextCertificateSerial();
        DeviceCertificate certificate = ca.issue(serial, userId, deviceId, publicKey, now.getEpochSecond(),
                certificateValidity);
        Instant issuedAt = Instant.ofEpochSecond(certificate.fields().issuedAt());
        Instant expiresAt = Instant.ofEpochSecond(certificate.fields().expiresAt());
        directory.recordCertificate(new IssuedCertificate(serial, deviceId, userId, Hex.encode(publicKey), issuedAt,
                expiresAt));
        audit.pairingCertificateIssued(deviceId, userId, key.id(code), certificate.fields().serialText(), issuedAt,
                expiresAt);
        return certificate;
    }

    /** The original's {@code user_snapshot}. */
    static ObjectNode userSnapshot(User user) {
        ObjectNode snapshot = Json.object();
        snapshot.put("id", user.id());
        snapshot.put("user_id", user.id());
        snapshot.put("handle", user.handle());
        snapshot.put("display_name", user.displayName());
        snapshot.put("avatar_url", user.avatarUrl());
        return snapshot;
    }
}
