package io.commucat.ccp.server.contacts;

import io.commucat.ccp.server.http.rest.ApiException;
import io.commucat.ccp.server.storage.Directory;
import io.commucat.ccp.server.storage.StorageException;
import io.commucat.ccp.server.storage.User;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Resolves a {@code {user}} path parameter as the original does: a user id, else a handle. A
 * {@code handle@domain} naming this server's domain is that handle; one naming another domain is
 * refused with 400, since this server does not federate (the original forwards it to a peer).
 * Blocking. Thread-safe.
 */
final class UserLookup {

    /** The longest user id or handle the users table holds. */
    static final int MAX_LENGTH = 255;

    private final Directory directory;
    private final String domain;

    UserLookup(Directory directory, String domain) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.domain = domain.toLowerCase(Locale.ROOT);
    }

    /** The user, or 404. */
    User require(String param) throws ApiException, StorageException {
        return find(param).orElseThrow(() -> ApiException.notFound("no such user"));
    }

    /**
     * The user named by {@code param}, if any.
     *
     * @throws ApiException 400 for a blank or overlong parameter, or another server's domain
     */
    Optional<User> find(String param) throws ApiException, StorageException {
        String name = param.trim();
        if (name.isEmpty()) {
            throw ApiException.badRequest("user must be a user id or handle");
        }
        if (name.length() > MAX_LENGTH) {
            throw ApiException.badRequest("user must be at most " + MAX_LENGTH + " characters");
        }
        Optional<User> user = directory.findUser(name);
        if (user.isEmpty()) {
            user = directory.findUserByHandle(name);
        }
        if (user.isPresent()) {
            return user;
        }
        int at = name.lastIndexOf('@');
        if (at <= 0 || at == name.length() - 1) {
            return Optional.empty();
        }
        if (!name.substring(at + 1).toLowerCase(Locale.ROOT).equals(domain)) {
            throw ApiException.badRequest("user names another domain; this server does not federate");
        }
        return directory.findUserByHandle(name.substring(0, at));
    }
}
