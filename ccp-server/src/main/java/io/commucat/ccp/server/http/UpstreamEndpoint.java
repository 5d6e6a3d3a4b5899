package io.commucat.ccp.server.http;

import io.commucat.ccp.server.http.rest.Problem;
import io.commucat.ccp.server.http.rest.RestEndpoint;
import io.commucat.ccp.server.http.rest.RestRequest;
import io.commucat.ccp.server.http.rest.RestResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * {@code POST /connect/{token}} (rest.md "Connect upstream companion"): a browser's upstream
 * bytes for the SSE or long-poll session its token names, raw ({@code application/octet-stream})
 * or base64 ({@code text/plain}), ordered by {@code X-Upstream-Seq}. The body is collected and
 * bounded like any REST body ({@code max_request_body}, 413) and counted by the HTTP rate limit;
 * the bytes are handed to the session's event loop and the answer comes from its
 * {@link UpstreamSequencer}. Thread-safe (runs on the POST's loop).
 */
final class UpstreamEndpoint implements RestEndpoint {

    static final String ROUTE = "/connect/{token}";
    static final String SEQUENCE_HEADER = "x-upstream-seq";

    private final UpstreamTokens tokens;

    UpstreamEndpoint(UpstreamTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public CompletableFuture<RestResponse> handle(RestRequest request) {
        long sequence = sequence(request.headers().getOrDefault(SEQUENCE_HEADER, List.of()));
        if (sequence < 0) {
            return done(Problem.of(400, "X-Upstream-Seq must be one decimal integer from 0"));
        }
        byte[] bytes = body(request);
        if (bytes == null) {
            return done(Problem.of(400, "a text/plain body must be standard base64"));
        }
        UpstreamTarget target = tokens.find(request.params().get("token"));
        if (target == null) {
            return done(Problem.of(404, "no live connection has this token"));
        }
        CompletableFuture<RestResponse> answer = new CompletableFuture<>();
        try {
            target.eventLoop().execute(() -> target.offer(sequence, bytes, answer));
        } catch (RejectedExecutionException e) {
            answer.complete(Problem.of(404, "the connection has ended"));
        }
        return answer;
    }

    /** The one header value as a non-negative integer, or -1. */
    private static long sequence(List<String> values) {
        if (values.size() != 1) {
            return -1;
        }
        String text = values.get(0).trim();
        if (text.isEmpty() || text.length() > 18 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Long.parseLong(text);
    }

    /**
     * Raw unless the content type is {@code text/plain} (base64, surrounding whitespace ignored);
     * {@code null} when that is not base64.
     */
    private static byte[] body(RestRequest request) {
        List<String> types = request.headers().getOrDefault("content-type", List.of());
        String type = types.isEmpty() ? "" : types.get(0).toLowerCase(Locale.ROOT);
        if (!type.startsWith("text/plain")) {
            return request.body();
        }
        try {
            return Base64.getDecoder().decode(new String(request.body(), StandardCharsets.US_ASCII).strip());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static CompletableFuture<RestResponse> done(RestResponse response) {
        return CompletableFuture.completedFuture(response);
    }
}
