package io.commucat.ccp.server.devices;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.commucat.ccp.server.audit.Audit;
import io.commucat.ccp.server.auth.AdminAuthenticator;
import io.commucat.ccp.server.auth.Caller;
import io.commucat.ccp.server.auth.DeviceAuthenticator;
import io.commucat.ccp.server.cluster.SessionRevoker;
import io.commucat.ccp.server.handshake.HelloRequest;
import io.commucat.ccp.server.http.rest.ApiException;
import io.commucat.ccp.server.http.rest.BlockingEndpoint;
import io.commucat.ccp.server.http.rest.Json;
import io.commucat.ccp.server.http.rest.JsonBody;
import io.commucat.ccp.server.http.rest.RestRequest;
import io.commucat.ccp.server.http.rest.RestResponse;
import io.commucat.ccp.server.http.rest.RouteSet;
import io.commucat.ccp.server.http.rest.Router;
import io.commucat.ccp.server.storage.Device;
import io.commucat.ccp.server.storage.Directory;
import io.commucat.ccp.server.storage.Presence;
import io.commucat.ccp.server.storage.StorageException;
import io.commucat.ccp.server.storage.User;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * A user's devices and their revocation (rest.md "Devices and revocation"): {@code GET
 * /api/devices} and {@code POST /api/devices/revoke} for a device's session token, {@code POST
 * /api/admin/devices/revoke} and {@code GET /api/admin/users/{handle}/devices} for the admin
 * token. Every endpoint runs on the storage executor.
 */
public final class DeviceRoutes implements RouteSet {

    private final Executor executor;
    private final DeviceAuthenticator devices;
    private final AdminAuthenticator admin;
    private final Directory directory;
    private final Presence presence;
    private final DeviceRevocation revocation;

    public DeviceRoutes(Executor executor, DeviceAuthenticator devices, AdminAuthenticator admin, Directory directory,
            Presence presence, SessionRevoker revoker, Audit audit) {
        this.executor = Objects.requireNonNull(executor, "executor");
        this.devices = Objects.requireNonNull(devices, "devices");
        this.admin = Objects.requireNonNull(admin, "admin");
        this.directory = Objects.requireNonNull(directory, "directory");
        this.presence = Objects.requireNonNull(presence, "presence");
        this.revocation = new DeviceRevocation(directory, revoker, audit);
    }

    @Override
    public void register(Router.Builder routes) {
        routes.get("/api/devices", BlockingEndpoint.on(executor, this::list));
        routes.post("/api/devices/revoke", BlockingEndpoint.on(executor, this::revoke));
        routes.post("/api/admin/devices/revoke", BlockingEndpoint.on(executor, this::adminRevoke));
        routes.get("/api/admin/users/{handle}/devices", BlockingEndpoint.on(executor, this::adminList));
    }

    private RestResponse list(RestRequest request) throws ApiException, StorageException {
        Caller caller = devices.authenticate(request);
        ObjectNode answer = Json.object();
        ArrayNode list = answer.putArray("devices");
        for (Device device : directory.listDevices(caller.userId())) {
            list.add(entry(device, device.id().equals(caller.deviceId())));
        }
        return RestResponse.json(200, Json.bytes(answer));
    }

    /**
     * As the original: the calling device cannot revoke itself (409), checked before the target
     * is looked up; unknown 404; another user's device 403.
     */
    private RestResponse revoke(RestRequest request) throws ApiException, StorageException {
        Caller caller = devices.authenticate(request);
        String target = deviceId(request);
        if (target.equals(caller.deviceId())) {
            throw ApiException.conflict("device_id is the calling device; revoke it from another device");
        }
        Device device = find(target);
        if (!device.userId().equals(caller.userId())) {
            throw ApiException.forbidden("device_id names another user's device");
        }
        revocation.revoke(device, caller.deviceId(), request.remoteAddress());
        return revoked(device);
    }

    private RestResponse adminRevoke(RestRequest request) throws ApiException, StorageException {
        admin.require(request);
        Device device = find(deviceId(request));
        revocation.revoke(device, DeviceRevocation.BY_ADMIN, request.remoteAddress());
        return revoked(device);
    }

    private RestResponse adminList(RestRequest request) throws ApiException, StorageException {
        admin.require(request);
        User user = directory.findUserByHandle(request.param("handle"))
                .orElseThrow(() -> ApiException.notFound("no user has this handle"));
        ObjectNode answer = Json.object();
        ObjectNode u = answer.putObject("user");
        u.put("user_id", user.id());
        u.put("handle", user.handle());
        u.put("display_name", user.displayName());
        ArrayNode list = answer.putArray("devices");
        for (Device device : directory.listDevices(user.id())) {
            list.add(entry(device, null));
        }
        return RestResponse.json(200, Json.bytes(answer));
    }

    private static String deviceId(RestRequest request) throws ApiException {
        return JsonBody.of(request).text("device_id", HelloRequest.MAX_ID_LENGTH);
    }

    private Device find(String deviceId) throws ApiException, StorageException {
        return directory.findDevice(deviceId).orElseThrow(() -> ApiException.notFound("no device has this device_id"));
    }

    private static RestResponse revoked(Device device) {
        ObjectNode answer = Json.object();
        answer.put("device_id", device.id());
        answer.put("status", "revoked");
        return RestResponse.json(200, Json.bytes(answer));
    }

    /**
     * The original's fields (times RFC 3339 in UTC), plus ours: {@code name} and {@code
     * last_seen} when known, and {@code online} (a presence snapshot or a route exists).
     *
     * @param current whether it is the calling device; null leaves the field out (admin lists)
     */
    private ObjectNode entry(Device device, Boolean current) throws StorageException {
        ObjectNode e = Json.object();
        e.put("device_id", device.id());
        e.put("status", device.status().label());
        e.put("created_at", device.createdAt().toString());
        e.put("public_key", device.publicKey());
        if (current != null) {
            e.put("current", current);
        }
        if (device.name() != null) {
            e.put("name", device.name());
        }
        if (device.lastSeen() != null) {
            e.put("last_seen", device.lastSeen().toString());
        }
        e.put("online", presence.find(device.id()).isPresent() || presence.route(device.id()).isPresent());
        return e;
    }
}
