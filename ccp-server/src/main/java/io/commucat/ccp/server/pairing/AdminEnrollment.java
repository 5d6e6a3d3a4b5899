package io.commucat.ccp.server.pairing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.commucat.ccp.server.audit.Audit;
import io.commucat.ccp.server.http.rest.ApiException;
import io.commucat.ccp.server.http.rest.JsonBody;
import io.commucat.ccp.server.storage.Directory;
import io.commucat.ccp.server.storage.StorageException;
import io.commucat.ccp.server.storage.User;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code POST /api/admin/enroll} (rest.md): how a user's first device joins when auto-approval
 * is off. Finds the user by handle, or creates it, and issues a pairing code to it exactly as a
 * device's {@code POST /api/pair} does (no issuer device). The caller has passed the admin token
 * check. Blocking (storage); thread-safe.
 */
final class AdminEnrollment {

    /** The {@code users} columns' sizes: longer input is refused with a 400 naming the field. */
    static final int MAX_HANDLE_LENGTH = 255;
    static final int MAX_DISPLAY_NAME_LENGTH = 1024;

    private final Directory directory;
    private final PairingIssuer issuer;
    private final Audit audit;
    private final SecureRandom random;
    private final Clock clock;

    AdminEnrollment(Directory directory, PairingIssuer issuer, Audit audit, SecureRandom random, Clock clock) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The response of {@code POST /api/pair}, plus {@code user_id} (ours: the CLI shows it). */
    ObjectNode enroll(JsonBody body) throws ApiException, StorageException {
        String handle = body.text("handle", MAX_HANDLE_LENGTH);
        requirePrintable("handle", handle);
        Optional<String> displayName = body.optionalText("display_name", MAX_DISPLAY_NAME_LENGTH);
        if (displayName.isPresent()) {
            requirePrintable("display_name", displayName.get());
        }
        Optional<Long> ttl = body.optionalLong("ttl");
        PairingIssuer.checkTtl(ttl); // a bad ttl is refused before the user is created

        boolean created = false;
        Optional<User> existing = directory.findUserByHandle(handle);
        User user;
        if (existing.isPresent()) {
            user = existing.get();
        } else {
            User fresh = new User(RandomIds.prefixed("u-", random), handle, displayName.orElse(null), null,
                    clock.instant());
            try {
                user = directory.createUser(fresh);
                created = true;
            } catch (StorageException e) {
                if (e.kind() != StorageException.Kind.CONFLICT) {
                    throw e;
                }
                // A racing enrolment or Hello created the handle first.
                user = directory.findUserByHandle(handle).orElseThrow(() -> e);
            }
        }
        PairingIssuer.Issued issued;
        try {
            issued = issuer.issue(user.id(), null, ttl);
        } catch (ApiException | StorageException | RuntimeException e) {
            if (created) {
                // The user exists from now on: the ledger says so even though no code went out.
                audit.userEnrolled(user.id(), true, null, null);
            }
            throw e;
        }
        audit.userEnrolled(user.id(), created, issued.codeId(), issued.stored().expiresAt());
        ObjectNode response = issuer.response(issued);
        response.put("user_id", user.id());
        return response;
    }

    private static void requirePrintable(String field, String value) throws ApiException {
        if (value.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.badRequest(field + " must not contain control characters");
        }
    }
}
