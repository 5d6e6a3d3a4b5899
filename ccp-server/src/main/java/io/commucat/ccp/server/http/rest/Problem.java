package io.commucat.ccp.server.http.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * RFC 9457 error bodies, {@code application/problem+json}, with the original server's titles
 * (rest.md "Errors"). Titles for statuses rest.md does not list are ours: 405
 * {@code MethodNotAllowed}, 408 {@code RequestTimeout}, 415 {@code UnsupportedMediaType}, 501
 * {@code NotImplemented}. The detail
 * is always our own text, never attacker input or an exception message.
 */
public final class Problem {

    public static final String CONTENT_TYPE = "application/problem+json";

    private static final Map<Integer, String> TITLES = Map.ofEntries(
            Map.entry(400, "BadRequest"),
            Map.entry(401, "Unauthorized"),
            Map.entry(403, "Forbidden"),
            Map.entry(404, "NotFound"),
            Map.entry(405, "MethodNotAllowed"),
            Map.entry(408, "RequestTimeout"),
            Map.entry(409, "Conflict"),
            Map.entry(413, "PayloadTooLarge"),
            Map.entry(415, "UnsupportedMediaType"),
            Map.entry(426, "UpgradeRequired"),
            Map.entry(429, "TooManyRequests"),
            Map.entry(500, "InternalError"),
            Map.entry(501, "NotImplemented"),
            Map.entry(503, "ServiceUnavailable"));

    private Problem() {
    }

    /** The title of {@code status}; {@code InternalError} for one without a title. */
    public static String title(int status) {
        return TITLES.getOrDefault(status, "InternalError");
    }

    public static RestResponse of(int status, String detail) {
        ObjectNode body = Json.object();
        body.put("type", "about:blank");
        body.put("title", title(status));
        body.put("status", status);
        body.put("detail", detail);
        return new RestResponse(status, CONTENT_TYPE, Json.bytes(body), Map.of());
    }

    public static RestResponse notFound() {
        return of(404, "no such resource");
    }

    public static RestResponse methodNotAllowed(String allowed) {
        return of(405, "method not allowed; allowed: " + allowed).withHeader("allow", allowed);
    }

    public static RestResponse payloadTooLarge(int limit) {
        return of(413, "request body larger than " + limit + " bytes");
    }

    /**
     * 429 with {@code Retry-After} in whole seconds (rest.md "Rate limits"); the detail names the
     * limit that refused ({@code http}, {@code connect}, {@code pairing}).
     */
    public static RestResponse tooManyRequests(String limit, long retryAfterSeconds) {
        return of(429, "rate limit '" + limit + "' exceeded for this address; retry after " + retryAfterSeconds + " s")
                .withHeader("retry-after", Long.toString(retryAfterSeconds));
    }

    /** The request body did not arrive within {@code timeoutMillis}. */
    public static RestResponse requestTimeout(long timeoutMillis) {
        return of(408, "request body not received within " + timeoutMillis + " ms");
    }

    public static RestResponse internalError() {
        return of(500, "internal error");
    }

    /**
     * 500 that carries the id under which the server logged the cause: in the body
     * ({@code correlation_id}) and in {@code x-correlation-id}, so an operator finds the log
     * line from what a user reports. Never the cause itself.
     */
    public static RestResponse internalError(String correlationId) {
        ObjectNode body = Json.object();
        body.put("type", "about:blank");
        body.put("title", title(500));
        body.put("status", 500);
        body.put("detail", "internal error; correlation id " + correlationId);
        body.put("correlation_id", correlationId);
        return new RestResponse(500, CONTENT_TYPE, Json.bytes(body), Map.of("x-correlation-id", correlationId));
    }
}
