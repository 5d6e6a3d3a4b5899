package io.commucat.ccp.server.contacts;

import io.commucat.ccp.server.audit.Audit;
import io.commucat.ccp.server.auth.DeviceAuthenticator;
import io.commucat.ccp.server.cluster.DeviceNotifier;
import io.commucat.ccp.server.http.rest.BlockingEndpoint;
import io.commucat.ccp.server.http.rest.RouteSet;
import io.commucat.ccp.server.http.rest.Router;
import io.commucat.ccp.server.storage.Contacts;
import io.commucat.ccp.server.storage.Directory;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.Executor;

/**
 * Contacts (rest.md "Contacts: /api/friends"): how a device learns other users' device ids. All
 * routes take a device's session token; all run on the storage executor.
 */
public final class ContactsRoutes implements RouteSet {

    private final Executor executor;
    private final FriendsEndpoints friends;
    private final FriendRequestEndpoints requests;

    /**
     * @param executor where the blocking work runs (the storage executor)
     * @param domain   this server's domain: {@code handle@domain} names a local user
     */
    public ContactsRoutes(Executor executor, DeviceAuthenticator devices, Directory directory, Contacts contacts,
            DeviceNotifier notifier, Audit audit, Clock clock, SecureRandom random, String domain) {
        this.executor = executor;
        UserLookup users = new UserLookup(directory, domain);
        this.friends = new FriendsEndpoints(devices, contacts, users, new DeviceSnapshots(directory), audit);
        this.requests = new FriendRequestEndpoints(devices, directory, contacts, users,
                new FriendRequestNotice(directory, notifier), audit, clock, random);
    }

    /**
     * The request routes go first: the router tries templates in order, and {@code POST
     * /api/friends/requests/devices} (a request to the user whose handle is {@code devices})
     * must not meet {@code GET /api/friends/{user}/devices} first and be answered 405.
     */
    @Override
    public void register(Router.Builder routes) {
        routes.get("/api/friends", BlockingEndpoint.on(executor, friends::list))
                .put("/api/friends", BlockingEndpoint.on(executor, friends::replace))
                .get("/api/friends/requests", BlockingEndpoint.on(executor, requests::list))
                .post("/api/friends/requests/{user}", BlockingEndpoint.on(executor, requests::create))
                .post("/api/friends/requests/{user}/accept", BlockingEndpoint.on(executor, requests::accept))
                .post("/api/friends/requests/{user}/reject", BlockingEndpoint.on(executor, requests::reject))
                .get("/api/friends/{user}/devices", BlockingEndpoint.on(executor, friends::friendDevices))
                .delete("/api/friends/{user}", BlockingEndpoint.on(executor, friends::delete));
    }
}
