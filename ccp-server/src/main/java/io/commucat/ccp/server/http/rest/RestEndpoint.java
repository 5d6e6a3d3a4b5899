package io.commucat.ccp.server.http.rest;

import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One REST operation. Called on an event loop: it must not block; blocking work goes to an
 * executor and the future completes there (the transport hops back to its loop to write).
 */
@FunctionalInterface
public interface RestEndpoint {

    CompletableFuture<RestResponse> handle(RestRequest request);

    /** Calls {@code endpoint}; a throw or a failed future becomes a 500 without internal text. */
    static CompletableFuture<RestResponse> invoke(RestEndpoint endpoint, RestRequest request) {
        Logger log = LoggerFactory.getLogger(RestEndpoint.class);
        CompletableFuture<RestResponse> future;
        try {
            future = endpoint.handle(request);
        } catch (RuntimeException e) {
            log.error("{} {} failed", request.method(), request.path(), e);
            return CompletableFuture.completedFuture(Problem.internalError());
        }
        return future.exceptionally(e -> {
            log.error("{} {} failed", request.method(), request.path(), e);
            return Problem.internalError();
        });
    }
}
