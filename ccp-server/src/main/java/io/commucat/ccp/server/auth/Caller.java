package io.commucat.ccp.server.auth;

import io.commucat.ccp.server.storage.Device;
import java.time.Instant;
import java.util.Objects;

/**
 * The device a REST request was authenticated as (rest.md "Authentication").
 *
 * @param device    the device behind the session token, active when authenticated
 * @param tokenHash the stored hash of the presented token (never the token)
 * @param expiresAt when the session expires, after any refresh this request caused
 */
public record Caller(Device device, String tokenHash, Instant expiresAt) {

    public Caller {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(tokenHash, "tokenHash");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    public String deviceId() {
        return device.id();
    }

    public String userId() {
        return device.userId();
    }
}
