package io.commucat.ccp.server.http.rest;

import io.commucat.ccp.server.storage.StorageException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.LoggerFactory;

/**
 * A REST operation written as plain blocking code (storage calls, signature checks), run on the
 * storage executor, never on an event loop. {@link ApiException} becomes its problem+json; a
 * {@link StorageException} of kind {@code UNAVAILABLE}, or a full executor, becomes 503; one of
 * kind {@code INVALID} (a value the database refused) 400; any other failure a 500 with a
 * correlation id.
 */
@FunctionalInterface
public interface BlockingEndpoint {

    RestResponse handle(RestRequest request) throws ApiException, StorageException;

    /** {@code endpoint} as a {@link RestEndpoint} that runs on {@code executor}. */
    static RestEndpoint on(Executor executor, BlockingEndpoint endpoint) {
        return request -> {
            try {
                return CompletableFuture.supplyAsync(() -> run(endpoint, request), executor);
            } catch (RejectedExecutionException e) {
                return CompletableFuture.completedFuture(
                        ApiException.unavailable("server busy; retry shortly").toResponse());
            }
        };
    }

    private static RestResponse run(BlockingEndpoint endpoint, RestRequest request) {
        try {
            return endpoint.handle(request);
        } catch (ApiException e) {
            return e.toResponse();
        } catch (StorageException e) {
            if (e.kind() == StorageException.Kind.INVALID) {
                // Validation should have caught it; the request is still the client's fault.
                LoggerFactory.getLogger(BlockingEndpoint.class)
                        .warn("{} {}: a value escaped validation: {}", request.method(), request.path(), e.getMessage());
                return ApiException.badRequest("a field's value is too long or holds a character that cannot be stored")
                        .toResponse();
            }
            if (e.kind() == StorageException.Kind.UNAVAILABLE) {
                LoggerFactory.getLogger(BlockingEndpoint.class)
                        .warn("{} {}: storage unavailable: {}", request.method(), request.path(), e.getMessage());
                return ApiException.unavailable("storage unavailable; retry later").toResponse();
            }
            return RestEndpoint.internalError(request, e);
        } catch (RuntimeException e) {
            return RestEndpoint.internalError(request, e);
        }
    }
}
