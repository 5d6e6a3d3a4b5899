package io.commucat.ccp.server.contacts;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.commucat.ccp.server.audit.Audit;
import io.commucat.ccp.server.auth.Caller;
import io.commucat.ccp.server.auth.DeviceAuthenticator;
import io.commucat.ccp.server.http.rest.ApiException;
import io.commucat.ccp.server.http.rest.Json;
import io.commucat.ccp.server.http.rest.JsonBody;
import io.commucat.ccp.server.http.rest.RestRequest;
import io.commucat.ccp.server.http.rest.RestResponse;
import io.commucat.ccp.server.storage.Contacts;
import io.commucat.ccp.server.storage.FriendEntry;
import io.commucat.ccp.server.storage.StorageException;
import io.commucat.ccp.server.storage.User;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The caller's friends list: {@code GET} and {@code PUT /api/friends}, {@code GET
 * /api/friends/{user}/devices}, {@code DELETE /api/friends/{user}}. Blocking (run through
 * {@link io.commucat.ccp.server.http.rest.BlockingEndpoint}). Thread-safe.
 *
 * <p>Privacy (rest.md, Deviation): a friend's devices are shown only when that friend shares
 * them with the caller ({@link Contacts#sharingDevicesWith}); otherwise the friend is listed with
 * an empty device list in {@code GET}/{@code PUT}, and {@code .../devices} is 404.
 */
final class FriendsEndpoints {

    private final DeviceAuthenticator devices;
    private final Contacts contacts;
    private final UserLookup users;
    private final DeviceSnapshots snapshots;
    private final Audit audit;

    FriendsEndpoints(DeviceAuthenticator devices, Contacts contacts, UserLookup users, DeviceSnapshots snapshots,
            Audit audit) {
        this.devices = Objects.requireNonNull(devices, "devices");
        this.contacts = Objects.requireNonNull(contacts, "contacts");
        this.users = Objects.requireNonNull(users, "users");
        this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
        this.audit = Objects.requireNonNull(audit, "audit");
    }

    RestResponse list(RestRequest request) throws ApiException, StorageException {
        Caller caller = devices.authenticate(request);
        return RestResponse.json(200, Json.bytes(listing(caller.userId(), contacts.friends(caller.userId()))));
    }

    RestResponse replace(RestRequest request) throws ApiException, StorageException {
        Caller caller = devices.authenticate(request);
        List<FriendEntry> friends = FriendListBody.parse(JsonBody.of(request));
        try {
            contacts.replaceFriends(caller.userId(), friends);
        } catch (StorageException e) {
            if (e.kind() == StorageException.Kind.CONFLICT) {
                // The caller's user is gone under an active device: the data is broken, not the request.
                throw new StorageException(StorageException.Kind.CORRUPT, "friends of a missing user", e);
            }
            throw e;
        }
        audit.friendsReplaced(caller.userId(), friends.size());
        return RestResponse.json(200, Json.bytes(listing(caller.userId(), friends)));
    }

    RestResponse friendDevices(RestRequest request) throws ApiException, StorageException {
        Caller caller = devices.authenticate(request);
        User friend = users.require(request.param("user"));
        boolean listed = contacts.friends(caller.userId()).stream().anyMatch(f -> f.userId().equals(friend.id()));
        if (!listed) {
            throw ApiException.notFound("user is not in your friends list");
        }
        if (contacts.sharingDevicesWith(caller.userId(), List.of(friend.id())).isEmpty()) {
            throw ApiException.notFound("user has not accepted you as a friend");
        }
        ObjectNode body = Json.object();
        body.put("friend", friend.id());
        body.set("devices", snapshots.of(friend.id()));
        return RestResponse.json(200, Json.bytes(body));
    }

    /**
     * The parameter is resolved as a user id or handle; one that names no user is taken as the
     * listed id itself, so an entry for an id the server does not know can be removed too.
     */
    RestResponse delete(RestRequest request) throws ApiException, StorageException {
        Caller caller = devices.authenticate(request);
        String param = request.param("user");
        String friendId = users.find(param).map(User::id).orElse(param.trim());
        if (!contacts.removeFriend(caller.userId(), friendId)) {
            throw ApiException.notFound("user is not in your friends list");
        }
        audit.friendDeleted(caller.userId(), friendId);
        return RestResponse.noContent();
    }

    /** {@code {"friends":[...], "devices":{friend: [...]}}}: every friend has a key, sharing or not. */
    private ObjectNode listing(String userId, List<FriendEntry> friends) throws StorageException {
        Set<String> sharing = contacts.sharingDevicesWith(userId, friends.stream().map(FriendEntry::userId).toList());
        ObjectNode body = Json.object();
        body.set("friends", ContactsJson.friends(friends));
        ObjectNode byFriend = body.putObject("devices");
        for (FriendEntry friend : friends) {
            byFriend.set(friend.userId(), sharing.contains(friend.userId())
                    ? snapshots.of(friend.userId())
                    : Json.mapper().createArrayNode());
        }
        return body;
    }
}
