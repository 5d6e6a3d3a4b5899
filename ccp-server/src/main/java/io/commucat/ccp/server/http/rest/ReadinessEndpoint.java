package io.commucat.ccp.server.http.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /readyz}: 200 {@code {"status":"ready","dependencies":{"postgres":"up",...}}} when
 * every dependency is up, else 503 with {@code "status":"not_ready"} and the failing ones
 * {@code "down"}. Answers from {@link DependencyHealth}'s last probes, which run in the
 * background: the answer never waits for a dependency, so it comes at once (on the event loop)
 * even while the database hangs.
 */
public final class ReadinessEndpoint implements RestEndpoint {

    private final DependencyHealth health;

    public ReadinessEndpoint(DependencyHealth health) {
        this.health = health;
    }

    @Override
    public CompletableFuture<RestResponse> handle(RestRequest request) {
        ObjectNode dependencies = Json.object();
        boolean ready = true;
        for (Map.Entry<String, DependencyHealth.State> e : health.snapshot().entrySet()) {
            boolean up = e.getValue() == DependencyHealth.State.UP;
            ready &= up;
            dependencies.put(e.getKey(), up ? "up" : "down");
        }
        ObjectNode body = Json.object();
        body.put("status", ready ? "ready" : "not_ready");
        body.set("dependencies", dependencies);
        return CompletableFuture.completedFuture(RestResponse.json(ready ? 200 : 503, Json.bytes(body)));
    }
}
