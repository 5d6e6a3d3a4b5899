package io.commucat.ccp.server.http.rest;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * {@code GET /metrics}: Prometheus text format, for the admin token only: without
 * {@code Authorization: Bearer <token>} (or with another token) 401. Without any admin token
 * nobody may scrape: the endpoint is never open. The scrape walks every meter, so it runs on
 * {@code executor} rather than delaying the event loop.
 */
public final class MetricsEndpoint implements RestEndpoint {

    /** Prometheus text exposition format 0.0.4. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Supplier<String> scrape;
    private final Optional<BearerToken> adminToken;
    private final Executor executor;

    public MetricsEndpoint(Supplier<String> scrape, Optional<BearerToken> adminToken, Executor executor) {
        this.scrape = scrape;
        this.adminToken = adminToken;
        this.executor = executor;
    }

    @Override
    public CompletableFuture<RestResponse> handle(RestRequest request) {
        if (adminToken.isEmpty() || !adminToken.get().matches(request.header("authorization"))) {
            return CompletableFuture.completedFuture(
                    Problem.of(401, "admin token required").withHeader("www-authenticate", "Bearer"));
        }
        return CompletableFuture.supplyAsync(() -> RestResponse.text(200, CONTENT_TYPE, scrape.get()), executor);
    }
}
