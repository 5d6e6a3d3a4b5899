package io.commucat.ccp.client.transport;

import io.netty.util.concurrent.Future;
import java.util.concurrent.CompletableFuture;

/** Netty futures as {@link CompletableFuture}s (completed on the event loop). */
final class Futures {

    private Futures() {
    }

    static CompletableFuture<Void> of(Future<?> future) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        future.addListener(f -> {
            if (f.isSuccess()) {
                result.complete(null);
            } else {
                result.completeExceptionally(f.cause());
            }
        });
        return result;
    }
}
