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

    /**
     * Calls {@code endpoint}; a throw or a failed future becomes a 500 without internal text,
     * logged with a correlation id the response carries.
     */
    static CompletableFuture<RestResponse> invoke(RestEndpoint endpoint, RestRequest request) {
        CompletableFuture<RestResponse> future;
        try {
            future = endpoint.handle(request);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(internalError(request, e));
        }
        return future.exceptionally(e -> internalError(request, e));
    }

    /** Logs {@code cause} under a fresh correlation id and answers 500 with that id. */
    static RestResponse internalError(RestRequest request, Throwable cause) {
        String id = CorrelationIds.next();
        Logger log = LoggerFactory.getLogger(RestEndpoint.class);
        log.error("{} {} failed [correlation id {}]", request.method(), request.path(), id, cause);
        return Problem.internalError(id);
    }
}
