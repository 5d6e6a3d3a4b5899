package io.commucat.ccp.client;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The server's answers to a session's requests that arrived in one read, completed together:
 * one task on the callback executor for the batch instead of one per answer, completing the
 * futures in the order the answers came.
 *
 * <p>Threading: filled by one thread (the link's event loop); {@link #complete()} runs once,
 * on another thread, after the batch was handed over and is no longer filled.
 */
final class AnswerBatch {

    private final List<CompletableFuture<Void>> futures = new ArrayList<>();
    /** Parallel to {@link #futures}: null for an Ack, the refusal for an Error. */
    private final List<CcpException> refusals = new ArrayList<>();

    void accepted(CompletableFuture<Void> future) {
        futures.add(future);
        refusals.add(null);
    }

    void refused(CompletableFuture<Void> future, CcpException refusal) {
        futures.add(future);
        refusals.add(refusal);
    }

    boolean isEmpty() {
        return futures.isEmpty();
    }

    int size() {
        return futures.size();
    }

    /** Completes every future, in the order added. */
    void complete() {
        for (int i = 0; i < futures.size(); i++) {
            CcpException refusal = refusals.get(i);
            if (refusal == null) {
                futures.get(i).complete(null);
            } else {
                futures.get(i).completeExceptionally(refusal);
            }
        }
    }
}
