package io.commucat.ccp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AnswerBatchTest {

    @Test
    void completesItsFuturesInTheOrderTheAnswersCame() {
        List<Integer> order = new ArrayList<>();
        AnswerBatch batch = new AnswerBatch();
        for (int i = 0; i < 5; i++) {
            CompletableFuture<Void> future = new CompletableFuture<>();
            int n = i;
            future.whenComplete((ok, error) -> order.add(n));
            batch.accepted(future);
        }
        assertEquals(5, batch.size());
        batch.complete();
        assertEquals(List.of(0, 1, 2, 3, 4), order);
    }

    @Test
    void aRefusalFailsOnlyItsOwnFuture() {
        AnswerBatch batch = new AnswerBatch();
        CompletableFuture<Void> acked = new CompletableFuture<>();
        CompletableFuture<Void> refused = new CompletableFuture<>();
        CcpException refusal = CcpException.refused("send to 7", 0, "not_member", null, null);
        batch.accepted(acked);
        batch.refused(refused, refusal);
        batch.complete();
        assertTrue(acked.isDone() && !acked.isCompletedExceptionally());
        assertSame(refusal, assertThrows(ExecutionException.class, refused::get).getCause());
    }

    @Test
    void batchesOnADispatchChainCompleteInOrderOnTheCallbackPoolEvenWithSeveralThreads() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4, r -> new Thread(r, "callbacks"));
        try {
            DispatchChain answers = new DispatchChain(pool);
            List<Integer> order = java.util.Collections.synchronizedList(new ArrayList<>());
            List<String> threads = java.util.Collections.synchronizedList(new ArrayList<>());
            List<CompletableFuture<Void>> all = new ArrayList<>();
            int n = 0;
            for (int b = 0; b < 200; b++) {
                AnswerBatch batch = new AnswerBatch();
                for (int i = 0; i < 10; i++) {
                    CompletableFuture<Void> future = new CompletableFuture<>();
                    int k = n++;
                    // Waited for below: the answers' own completion can be seen before their
                    // callbacks ran, and the last callback would then race the assertion.
                    all.add(future.thenRun(() -> {
                        order.add(k);
                        threads.add(Thread.currentThread().getName());
                    }));
                    batch.accepted(future);
                }
                answers.execute(batch::complete);
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                expected.add(i);
            }
            assertEquals(expected, order, "in order across batches");
            assertTrue(threads.stream().allMatch("callbacks"::equals), "on the callback pool only");
        } finally {
            pool.shutdownNow();
        }
    }
}
