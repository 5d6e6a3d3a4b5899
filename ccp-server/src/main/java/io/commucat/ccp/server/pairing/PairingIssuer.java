package io.commucat.ccp.server.pairing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.commucat.ccp.crypto.Hex;
import io.commucat.ccp.server.audit.Audit;
import io.commucat.ccp.server.http.rest.ApiException;
import io.commucat.ccp.server.http.rest.Json;
import io.commucat.ccp.server.storage.PairingCode;
import io.commucat.ccp.server.storage.PairingCodes;
import io.commucat.ccp.server.storage.StorageException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;

/**
 * Issues pairing codes, for a device ({@code POST /api/pair}) and for an admin enrolment alike:
 * the TTL rules, the per-user cap of live codes, the ledger record and the response (rest.md).
 * Blocking (storage); thread-safe.
 */
final class PairingIssuer {

    /** rest.md clamps every code's TTL to [60, 3600] seconds. */
    static final Duration MIN_TTL = Duration.ofSeconds(60);
    static final Duration MAX_TTL = Duration.ofSeconds(3600);
    /** Fresh codes drawn before giving up on collisions (one in ~10^11 per stored code). */
    private static final int DRAWS = 8;

    /**
     * A code just stored: the code itself (only ever shown in the response), its name in the
     * ledger and its row.
     */
    record Issued(PairCode code, String codeId, PairingCode stored) {
    }

    private final PairingCodes codes;
    private final PairCodeKey key;
    private final Duration configuredTtl;
    private final int maxLiveCodes;
    private final byte[] caPublic;
    private final Audit audit;
    private final PairingMetrics metrics;
    private final SecureRandom random;
    private final Clock clock;

    /**
     * @param configuredTtl {@code limits.pairing_ttl}: the default, and the most a request may ask for
     * @param maxLiveCodes  {@code pairing.max_live_codes}
     */
    PairingIssuer(PairingCodes codes, PairCodeKey key, Duration configuredTtl, int maxLiveCodes, byte[] caPublic,
            Audit audit, PairingMetrics metrics, SecureRandom random, Clock clock) {
        this.codes = Objects.requireNonNull(codes, "codes");
        this.key = Objects.requireNonNull(key, "key");
        this.configuredTtl = Objects.requireNonNull(configuredTtl, "configuredTtl");
        this.maxLiveCodes = maxLiveCodes;
        this.caPublic = caPublic.clone();
        this.audit = Objects.requireNonNull(audit, "audit");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The TTL a request gets: {@code requested} (default: the configured one) must be positive,
     * is capped at {@code configured} and clamped to [{@link #MIN_TTL}, {@link #MAX_TTL}].
     *
     * @throws ApiException 400 naming {@code ttl} when it is zero or negative
     */
    static Duration ttl(Optional<Long> requested, Duration configured) throws ApiException {
        checkTtl(requested);
        long seconds = requested.orElse(configured.toSeconds());
        long capped = Math.min(seconds, configured.toSeconds());
        return Duration.ofSeconds(Math.max(MIN_TTL.toSeconds(), Math.min(MAX_TTL.toSeconds(), capped)));
    }

    /** @throws ApiException 400 naming {@code ttl} when it is given and not positive */
    static void checkTtl(Optional<Long> requested) throws ApiException {
        if (requested.isPresent() && requested.get() <= 0) {
            throw ApiException.badRequest("ttl must be a positive number of seconds");
        }
    }

    /**
     * Issues a code to {@code userId}.
     *
     * @param issuerDeviceId the device asking; null for an admin enrolment
     * @throws ApiException 400 for a bad {@code ttl}; 429 when the user holds
     *     {@code pairing.max_live_codes} live codes, with {@code Retry-After} the seconds until
     *     the first of them expires
     */
    Issued issue(String userId, String issuerDeviceId, Optional<Long> requestedTtl)
            throws ApiException, StorageException {
        Duration ttl = ttl(requestedTtl, configuredTtl);
        // Whole seconds: what the response shows is exactly what is stored.
        Instant issuedAt = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant expiresAt = issuedAt.plus(ttl);
        for (int draw = 1; ; draw++) {
            PairCode code = PairCode.generate(random);
            PairingCode row = PairingCode.issued(key.hash(code), userId, issuerDeviceId, issuedAt, expiresAt);
            try {
                codes.issue(row, maxLiveCodes);
            } catch (StorageException e) {
                if (e.kind() == StorageException.Kind.LIMIT_REACHED) {
                    throw capReached(userId, issuedAt);
                }
                if (e.kind() == StorageException.Kind.CONFLICT && draw < DRAWS) {
                    continue; // the hash exists: draw again
                }
                throw e;
            }
            metrics.issued();
            audit.pairingCodeIssued(userId, issuerDeviceId, key.id(code), expiresAt);
            return new Issued(code, key.id(code), row);
        }
    }

    private ApiException capReached(String userId, Instant now) throws StorageException {
        PairingCodes.LiveCodes live = codes.live(userId, now);
        // The first live code to expire frees a slot; if they all went meanwhile, retry at once.
        long seconds = live.firstExpiry()
                .map(first -> (Duration.between(now, first).toMillis() + 999) / 1000)
                .orElse(1L);
        return ApiException.retryLater("the user already holds " + maxLiveCodes
                + " live pairing codes (pairing.max_live_codes); retry after " + Math.max(1, seconds) + " s", seconds);
    }

    /** The response of rest.md "POST /api/pair"; {@code device_seed} is fresh and not kept. */
    ObjectNode response(Issued issued) {
        byte[] seed = new byte[32];
        random.nextBytes(seed);
        PairingCode row = issued.stored();
        ObjectNode body = Json.object();
        body.put("pair_code", issued.code().display());
        body.put("issued_at", row.issuedAt().toString());
        body.put("expires_at", row.expiresAt().toString());
        body.put("ttl", Duration.between(row.issuedAt(), row.expiresAt()).toSeconds());
        body.put("issuer_device_id", row.issuerDeviceId());
        body.put("device_ca_public", Hex.encode(caPublic));
        body.put("device_seed", Hex.encode(seed));
        return body;
    }
}
