package io.commucat.ccp.server.rotation;

import io.commucat.ccp.server.auth.Caller;
import io.commucat.ccp.server.auth.DeviceAuthenticator;
import io.commucat.ccp.server.http.rest.ApiException;
import io.commucat.ccp.server.http.rest.BlockingEndpoint;
import io.commucat.ccp.server.http.rest.Json;
import io.commucat.ccp.server.http.rest.JsonBody;
import io.commucat.ccp.server.http.rest.RestRequest;
import io.commucat.ccp.server.http.rest.RestResponse;
import io.commucat.ccp.server.http.rest.RouteSet;
import io.commucat.ccp.server.http.rest.Router;
import io.commucat.ccp.server.storage.StorageException;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * {@code POST /api/device/csr} (rest.md): an authenticated device replaces its key. Disabled
 * by configuration, it answers 404 to everyone before authentication, as the original does.
 */
public final class RotationRoutes implements RouteSet {

    public static final String PATH = "/api/device/csr";

    private final boolean enabled;
    private final DeviceAuthenticator devices;
    private final DeviceKeyRotation rotation;
    private final Executor executor;

    /** @param executor where the blocking work runs (the storage executor) */
    public RotationRoutes(boolean enabled, DeviceAuthenticator devices, DeviceKeyRotation rotation, Executor executor) {
        this.enabled = enabled;
        this.devices = Objects.requireNonNull(devices, "devices");
        this.rotation = Objects.requireNonNull(rotation, "rotation");
        this.executor = Objects.requireNonNull(executor, "executor");
    }

    @Override
    public void register(Router.Builder routes) {
        routes.post(PATH, BlockingEndpoint.on(executor, this::csr));
    }

    private RestResponse csr(RestRequest request) throws ApiException, StorageException {
        if (!enabled) {
            throw ApiException.notFound("device key rotation is disabled on this server");
        }
        Caller caller = devices.authenticate(request);
        Rotation done = rotation.rotate(caller.device(), JsonBody.of(request));
        return RestResponse.json(200, Json.bytes(done.answer()));
    }
}
