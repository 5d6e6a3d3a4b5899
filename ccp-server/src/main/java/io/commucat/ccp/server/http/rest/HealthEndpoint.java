package io.commucat.ccp.server.http.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/** {@code GET /healthz}: 200 while the process serves, the original's shape. Runs on the loop (no I/O). */
public final class HealthEndpoint implements RestEndpoint {

    private final LongSupplier uptimeSeconds;
    private final String version;

    public HealthEndpoint(LongSupplier uptimeSeconds, String version) {
        this.uptimeSeconds = uptimeSeconds;
        this.version = version;
    }

    @Override
    public CompletableFuture<RestResponse> handle(RestRequest request) {
        ObjectNode body = Json.object();
        body.put("status", "healthy");
        body.put("uptime_seconds", uptimeSeconds.getAsLong());
        body.put("version", version);
        return CompletableFuture.completedFuture(RestResponse.json(200, Json.bytes(body)));
    }
}
