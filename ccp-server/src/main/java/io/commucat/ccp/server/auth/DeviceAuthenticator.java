package io.commucat.ccp.server.auth;

import io.commucat.ccp.server.handshake.SessionTokens;
import io.commucat.ccp.server.http.rest.ApiException;
import io.commucat.ccp.server.http.rest.RestRequest;
import io.commucat.ccp.server.storage.Device;
import io.commucat.ccp.server.storage.Directory;
import io.commucat.ccp.server.storage.SessionRecord;
import io.commucat.ccp.server.storage.Sessions;
import io.commucat.ccp.server.storage.StorageException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Authenticates a REST request by the session token from the handshake (rest.md
 * "Authentication"): looked up by its hash, valid for {@code connection_keepalive} after it was
 * created or last refreshed, refreshed by a request in the second half of that window. A missing,
 * unknown or expired token is 401; a token of a device that is no longer active is 403.
 * Blocking (storage): call it from a {@link io.commucat.ccp.server.http.rest.BlockingEndpoint}.
 * Thread-safe.
 */
public final class DeviceAuthenticator {

    private final Sessions sessions;
    private final Directory directory;
    private final Duration keepalive;
    private final Clock clock;

    public DeviceAuthenticator(Sessions sessions, Directory directory, Duration keepalive, Clock clock) {
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.directory = Objects.requireNonNull(directory, "directory");
        this.keepalive = Objects.requireNonNull(keepalive, "keepalive");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public Caller authenticate(RestRequest request) throws ApiException, StorageException {
        String token = BearerCredentials.token(request.header("authorization"))
                .orElseThrow(() -> ApiException.unauthorized("a session token is required (Authorization: Bearer <token>)"));
        if (token.length() > BearerCredentials.MAX_TOKEN_LENGTH) {
            throw ApiException.unauthorized("unknown or expired session token");
        }
        String hash = SessionTokens.hash(token);
        Instant now = clock.instant();
        SessionRecord session = sessions.find(hash, now)
                .orElseThrow(() -> ApiException.unauthorized("unknown or expired session token"));
        Optional<Device> device = directory.findDevice(session.deviceId());
        if (device.isEmpty()) {
            throw ApiException.unauthorized("unknown or expired session token");
        }
        if (!device.get().active()) {
            throw ApiException.forbidden("device is " + device.get().status().label());
        }
        Instant expiresAt = session.expiresAt();
        if (Duration.between(now, expiresAt).compareTo(keepalive.dividedBy(2)) < 0) {
            Instant renewed = now.plus(keepalive);
            if (sessions.refresh(hash, renewed)) {
                expiresAt = renewed;
            }
        }
        return new Caller(device.get(), hash, expiresAt);
    }
}
