package io.commucat.ccp.server.auth;

import io.commucat.ccp.server.http.rest.ApiException;
import io.commucat.ccp.server.http.rest.BearerToken;
import io.commucat.ccp.server.http.rest.RestRequest;
import java.util.Optional;

/**
 * The admin token check of {@code /api/admin/*} (rest.md "Authentication"): the configured
 * token, or the one generated in the data directory; compared in constant time. Without a
 * token every admin request is refused. Immutable, thread-safe, never blocks.
 */
public final class AdminAuthenticator {

    private final Optional<BearerToken> token;

    public AdminAuthenticator(Optional<String> token) {
        this.token = token.filter(t -> !t.isEmpty()).map(BearerToken::new);
    }

    /** @throws ApiException 401 unless the request carries the admin token */
    public void require(RestRequest request) throws ApiException {
        if (token.isEmpty() || !token.get().matches(request.header("authorization"))) {
            throw ApiException.unauthorized("the admin token is required (Authorization: Bearer <admin token>)");
        }
    }
}
