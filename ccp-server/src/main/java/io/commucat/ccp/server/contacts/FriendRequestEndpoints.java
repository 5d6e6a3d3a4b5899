package io.commucat.ccp.server.contacts;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.commucat.ccp.crypto.Hex;
import io.commucat.ccp.server.audit.Audit;
import io.commucat.ccp.server.auth.Caller;
import io.commucat.ccp.server.auth.DeviceAuthenticator;
import io.commucat.ccp.server.http.rest.ApiException;
import io.commucat.ccp.server.http.rest.Json;
import io.commucat.ccp.server.http.rest.JsonBody;
import io.commucat.ccp.server.http.rest.RestRequest;
import io.commucat.ccp.server.http.rest.RestResponse;
import io.commucat.ccp.server.storage.Contacts;
import io.commucat.ccp.server.storage.Directory;
import io.commucat.ccp.server.storage.FriendRequest;
import io.commucat.ccp.server.storage.FriendRequestStatus;
import io.commucat.ccp.server.storage.StorageException;
import io.commucat.ccp.server.storage.User;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Friend requests: {@code GET /api/friends/requests}, {@code POST /api/friends/requests/{user}}
 * (create), {@code .../accept} and {@code .../reject} (by the addressee; {@code {user}} is the
 * requester). Blocking. Thread-safe.
 */
final class FriendRequestEndpoints {

    /** The longest message a request carries. */
    static final int MAX_MESSAGE_LENGTH = 1024;
    /** Each list of {@code GET /api/friends/requests} shows at most this many, newest first. */
    static final int LISTED = 1000;

    private final DeviceAuthenticator devices;
    private final Directory directory;
    private final Contacts contacts;
    private final UserLookup users;
    private final FriendRequestNotice notice;
    private final Audit audit;
    private final Clock clock;
    private final SecureRandom random;

    FriendRequestEndpoints(DeviceAuthenticator devices, Directory directory, Contacts contacts, UserLookup users,
            FriendRequestNotice notice, Audit audit, Clock clock, SecureRandom random) {
        this.devices = Objects.requireNonNull(devices, "devices");
        this.directory = Objects.requireNonNull(directory, "directory");
        this.contacts = Objects.requireNonNull(contacts, "contacts");
        this.users = Objects.requireNonNull(users, "users");
        this.notice = Objects.requireNonNull(notice, "notice");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** {@code {"incoming":[pending requests to the caller], "outgoing":[the caller's requests, any status]}}. */
    RestResponse list(RestRequest request) throws ApiException, StorageException {
        Caller caller = devices.authenticate(request);
        ObjectNode body = Json.object();
        body.set("incoming", ContactsJson.requests(contacts.incomingRequests(caller.userId(), LISTED)));
        body.set("outgoing", ContactsJson.requests(contacts.outgoingRequests(caller.userId(), LISTED)));
        return RestResponse.json(200, Json.bytes(body));
    }

    /** How long a declined request keeps its requester from asking again. */
    static final Duration REJECTED_COOLDOWN = Duration.ofDays(1);

    /** 201 {@code {"request":{...}, "to_user":{...}}}; the addressee's connected devices get a notice. */
    RestResponse create(RestRequest request) throws ApiException, StorageException {
        Caller caller = devices.authenticate(request);
        String message = JsonBody.optional(request).optionalText("message", MAX_MESSAGE_LENGTH).orElse(null);
        User to = users.require(request.param("user"));
        if (to.id().equals(caller.userId())) {
            throw ApiException.badRequest("user: cannot send a friend request to yourself");
        }
        User from = directory.findUser(caller.userId())
                .orElseThrow(() -> new StorageException(StorageException.Kind.CORRUPT, "an active device without a user"));
        Optional<FriendRequest> existing = contacts.findRequest(from.id(), to.id());
        if (existing.isPresent() && existing.get().status() == FriendRequestStatus.PENDING) {
            throw ApiException.conflict("friend request already exists");
        }
        if (existing.isPresent() && existing.get().status() == FriendRequestStatus.REJECTED) {
            // A declined request may be asked again, but not at once: each one notifies every
            // device of the addressee, and a refusal must not invite a stream of them.
            Instant again = existing.get().updatedAt().plus(REJECTED_COOLDOWN);
            long wait = Duration.between(clock.instant(), again).toSeconds();
            if (wait > 0) {
                throw ApiException.retryLater("friend request was declined; it may be sent again after " + again, wait);
            }
        }
        FriendRequest created;
        try {
            created = contacts.createRequest(newId(), from.id(), to.id(), message, clock.instant());
        } catch (StorageException e) {
            if (e.kind() == StorageException.Kind.CONFLICT) {
                throw ApiException.conflict("friend request already exists"); // a racing request won
            }
            throw e;
        }
        audit.friendRequestCreated(from.id(), to.id());
        notice.send(created, from, to);
        ObjectNode body = Json.object();
        body.set("request", ContactsJson.request(created));
        body.set("to_user", ContactsJson.user(to));
        return RestResponse.json(201, Json.bytes(body));
    }

    /** 200 {@code {"request":{...}, "from_user":{...}}}; both users now list each other. */
    RestResponse accept(RestRequest request) throws ApiException, StorageException {
        Caller caller = devices.authenticate(request);
        User from = users.require(request.param("user"));
        Optional<FriendRequest> accepted;
        try {
            accepted = contacts.acceptRequest(from.id(), caller.userId(), clock.instant());
        } catch (StorageException e) {
            if (e.kind() == StorageException.Kind.LIMIT_REACHED) {
                throw ApiException.conflict("a friends list is full (at most " + Contacts.MAX_FRIENDS + " entries)");
            }
            throw e;
        }
        if (accepted.isEmpty()) {
            throw notPending(from, caller);
        }
        FriendRequest settled = accepted.get();
        audit.friendRequestAccepted(from.id(), caller.userId());
        return settledAnswer(settled, from);
    }

    /** 200 {@code {"request":{...}, "from_user":{...}}}; the lists do not change. */
    RestResponse reject(RestRequest request) throws ApiException, StorageException {
        Caller caller = devices.authenticate(request);
        User from = users.require(request.param("user"));
        Optional<FriendRequest> rejected = contacts.rejectRequest(from.id(), caller.userId(), clock.instant());
        if (rejected.isEmpty()) {
            throw notPending(from, caller);
        }
        FriendRequest settled = rejected.get();
        audit.friendRequestRejected(from.id(), caller.userId());
        return settledAnswer(settled, from);
    }

    /** As the original: no request from that user is 404, one already settled 400. */
    private ApiException notPending(User from, Caller caller) throws StorageException {
        return contacts.findRequest(from.id(), caller.userId()).isPresent()
                ? ApiException.badRequest("friend request is not pending")
                : ApiException.notFound("no friend request from that user");
    }

    private static RestResponse settledAnswer(FriendRequest settled, User from) {
        ObjectNode body = Json.object();
        body.set("request", ContactsJson.request(settled));
        body.set("from_user", ContactsJson.user(from));
        return RestResponse.json(200, Json.bytes(body));
    }

    private String newId() {
        byte[] bytes = new byte[12];
        random.nextBytes(bytes);
        return "fr-" + Hex.encode(bytes);
    }
}
