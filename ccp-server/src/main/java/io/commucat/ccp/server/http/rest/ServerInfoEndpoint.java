package io.commucat.ccp.server.http.rest;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * {@code GET /api/server-info} (public). The content (rest.md's keys) comes from
 * {@code info}, a Jackson-serialisable object; the supplier may read storage, so it runs on
 * {@code executor}, never on an event loop.
 */
public final class ServerInfoEndpoint implements RestEndpoint {

    private final Supplier<?> info;
    private final Executor executor;

    public ServerInfoEndpoint(Supplier<?> info, Executor executor) {
        this.info = info;
        this.executor = executor;
    }

    @Override
    public CompletableFuture<RestResponse> handle(RestRequest request) {
        return CompletableFuture.supplyAsync(() -> RestResponse.json(200, Json.bytes(info.get())), executor);
    }
}
