package io.commucat.ccp.server.pairing;

import io.commucat.ccp.crypto.cert.DeviceCertificateAuthority;
import io.commucat.ccp.server.admission.RateLimiter;
import io.commucat.ccp.server.audit.Audit;
import io.commucat.ccp.server.auth.AdminAuthenticator;
import io.commucat.ccp.server.auth.Caller;
import io.commucat.ccp.server.auth.DeviceAuthenticator;
import io.commucat.ccp.server.config.ServerConfig;
import io.commucat.ccp.server.http.rest.ApiException;
import io.commucat.ccp.server.http.rest.BlockingEndpoint;
import io.commucat.ccp.server.http.rest.Json;
import io.commucat.ccp.server.http.rest.JsonBody;
import io.commucat.ccp.server.http.rest.RestRequest;
import io.commucat.ccp.server.http.rest.RestResponse;
import io.commucat.ccp.server.http.rest.RouteSet;
import io.commucat.ccp.server.http.rest.Router;
import io.commucat.ccp.server.storage.Directory;
import io.commucat.ccp.server.storage.PairingCodes;
import io.commucat.ccp.server.storage.StorageException;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * The pairing routes of rest.md: {@code POST /api/pair} (alias {@code /api/pairing}) for an
 * authenticated device, {@code POST /api/pair/claim} (alias {@code /api/pairing/claim}) for
 * anyone within the per-address pairing limit, and {@code POST /api/admin/enroll} for the admin
 * token. Every operation runs on {@code executor}, never on an event loop.
 */
public final class PairingRoutes implements RouteSet {

    private final Executor executor;
    private final DeviceAuthenticator devices;
    private final AdminAuthenticator admin;
    private final PairingIssuer issuer;
    private final PairingClaims claims;
    private final AdminEnrollment enrollment;

    /**
     * @param claimLimiter        the per-address limit on claims ({@code Admission.pairing()})
     * @param codeKey             names codes in storage and the ledger (shared by the cluster's nodes)
     * @param certificateValidity how long a claim's certificate is valid (as the handshake's)
     */
    public PairingRoutes(ServerConfig config, PairingCodes codes, PairCodeKey codeKey, Directory directory, Executor executor,
            DeviceAuthenticator devices, AdminAuthenticator admin, RateLimiter claimLimiter,
            DeviceCertificateAuthority ca, Duration certificateValidity, Audit audit, MeterRegistry metrics,
            SecureRandom random, Clock clock) {
        this.executor = Objects.requireNonNull(executor, "executor");
        this.devices = Objects.requireNonNull(devices, "devices");
        this.admin = Objects.requireNonNull(admin, "admin");
        PairingMetrics meters = new PairingMetrics(metrics);
        this.issuer = new PairingIssuer(codes, codeKey, config.limits().pairingTtl(), config.pairing().maxLiveCodes(),
                ca.publicKey(), audit, meters, random, clock);
        this.claims = new PairingClaims(codes, codeKey, directory, ca, certificateValidity,
                config.pairing().allowServerGeneratedKeys(), config.pairing().maxDevicesPerUser(), claimLimiter,
                audit, meters, random, clock);
        this.enrollment = new AdminEnrollment(directory, issuer, audit, random, clock);
    }

    @Override
    public void register(Router.Builder routes) {
        var create = BlockingEndpoint.on(executor, this::create);
        var claim = BlockingEndpoint.on(executor, claims::claim);
        routes.post("/api/pair", create)
                .post("/api/pairing", create)
                .post("/api/pair/claim", claim)
                .post("/api/pairing/claim", claim)
                .post("/api/admin/enroll", BlockingEndpoint.on(executor, this::enroll));
    }

    private RestResponse create(RestRequest request) throws ApiException, StorageException {
        Caller caller = devices.authenticate(request);
        JsonBody body = JsonBody.optional(request);
        PairingIssuer.Issued issued = issuer.issue(caller.userId(), caller.deviceId(), body.optionalLong("ttl"));
        return RestResponse.json(200, Json.bytes(issuer.response(issued)));
    }

    private RestResponse enroll(RestRequest request) throws ApiException, StorageException {
        admin.require(request);
        return RestResponse.json(200, Json.bytes(enrollment.enroll(JsonBody.of(request))));
    }
}
