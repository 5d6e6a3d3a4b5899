package io.commucat.ccp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DispatchChainTest {

    private final ExecutorService pool = Executors.newFixedThreadPool(4);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void tasksRunInSubmissionOrder() throws Exception {
        DispatchChain chain = new DispatchChain(pool);
        List<Integer> order = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> last = new CompletableFuture<>();
        for (int i = 0; i < 1000; i++) {
            int n = i;
            chain.execute(() -> order.add(n));
        }
        chain.execute(() -> last.complete(null));

        last.get(5, TimeUnit.SECONDS);
        for (int i = 0; i < 1000; i++) {
            assertEquals(i, order.get(i));
        }
    }

    @Test
    void anUnfinishedStageHoldsTheNextTaskBack() throws Exception {
        DispatchChain chain = new DispatchChain(pool);
        CompletableFuture<Void> handled = new CompletableFuture<>();
        List<String> events = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> second = new CompletableFuture<>();
        chain.submit(() -> {
            events.add("first");
            return handled;
        });
        chain.execute(() -> {
            events.add("second");
            second.complete(null);
        });

        Thread.sleep(100);
        assertEquals(List.of("first"), events);
        handled.complete(null);
        second.get(5, TimeUnit.SECONDS);
        assertEquals(List.of("first", "second"), events);
    }

    @Test
    void aThrowingTaskDoesNotStopTheOnesAfterIt() throws Exception {
        DispatchChain chain = new DispatchChain(pool);
        CompletableFuture<Void> after = new CompletableFuture<>();
        chain.execute(() -> {
            throw new IllegalStateException("an application's bug");
        });
        chain.execute(() -> after.complete(null));

        after.get(5, TimeUnit.SECONDS);
    }
}
