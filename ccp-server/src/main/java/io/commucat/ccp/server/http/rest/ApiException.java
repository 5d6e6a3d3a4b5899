package io.commucat.ccp.server.http.rest;

import java.util.Objects;

/**
 * A REST request the server refuses for a reason the caller can act on: its kind is the status
 * (rest.md "Errors"), its message the problem's {@code detail}: our own text, naming the field
 * or rule, never an exception message or echoed input beyond a field name.
 */
public final class ApiException extends Exception {

    public enum Kind {
        /** Malformed JSON, a missing or invalid field, an expired or used code. */
        BAD_REQUEST(400),
        /** Missing, unknown or expired token. */
        UNAUTHORIZED(401),
        /** Authenticated but not allowed: a revoked device, another user's device. */
        FORBIDDEN(403),
        NOT_FOUND(404),
        /** The request contradicts the state: revoking the calling device, an unchanged key. */
        CONFLICT(409),
        /** A body that is not {@code application/json}. */
        UNSUPPORTED_MEDIA_TYPE(415),
        /** A per-address or per-object limit; carries {@code Retry-After}. */
        TOO_MANY_REQUESTS(429),
        /** A dependency the request needs is down. */
        UNAVAILABLE(503);

        private final int status;

        Kind(int status) {
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final Kind kind;
    private final long retryAfterSeconds;

    /** @throws IllegalArgumentException for {@code TOO_MANY_REQUESTS}: use a factory that sets {@code Retry-After} */
    public ApiException(Kind kind, String detail) {
        this(kind, detail, 0);
        if (kind == Kind.TOO_MANY_REQUESTS) {
            throw new IllegalArgumentException("a 429 needs Retry-After: use tooManyRequests or retryLater");
        }
    }

    private ApiException(Kind kind, String detail, long retryAfterSeconds) {
        super(Objects.requireNonNull(detail, "detail"), null, false, false);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ApiException badRequest(String detail) {
        return new ApiException(Kind.BAD_REQUEST, detail);
    }

    public static ApiException unauthorized(String detail) {
        return new ApiException(Kind.UNAUTHORIZED, detail);
    }

    public static ApiException forbidden(String detail) {
        return new ApiException(Kind.FORBIDDEN, detail);
    }

    public static ApiException notFound(String detail) {
        return new ApiException(Kind.NOT_FOUND, detail);
    }

    public static ApiException conflict(String detail) {
        return new ApiException(Kind.CONFLICT, detail);
    }

    public static ApiException unavailable(String detail) {
        return new ApiException(Kind.UNAVAILABLE, detail);
    }

    /** 429 naming {@code limit}, with {@code Retry-After: retryAfterSeconds}. */
    public static ApiException tooManyRequests(String limit, long retryAfterSeconds) {
        return new ApiException(Kind.TOO_MANY_REQUESTS,
                "rate limit '" + limit + "' exceeded for this address; retry after " + retryAfterSeconds + " s",
                Math.max(1, retryAfterSeconds));
    }

    /**
     * 429 for a limit that is not per address (a user's live pairing codes), with our own
     * {@code detail} and {@code Retry-After: retryAfterSeconds} (at least 1).
     */
    public static ApiException retryLater(String detail, long retryAfterSeconds) {
        return new ApiException(Kind.TOO_MANY_REQUESTS, detail, Math.max(1, retryAfterSeconds));
    }

    public Kind kind() {
        return kind;
    }

    /** The problem+json answer. */
    public RestResponse toResponse() {
        RestResponse response = Problem.of(kind.status(), getMessage());
        if (kind == Kind.TOO_MANY_REQUESTS) {
            response = response.withHeader("retry-after", Long.toString(retryAfterSeconds));
        }
        if (kind == Kind.UNAUTHORIZED) {
            response = response.withHeader("www-authenticate", "Bearer");
        }
        return response;
    }
}
