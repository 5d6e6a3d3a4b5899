package io.commucat.ccp.server.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The node-wide buffer budget: never more than its limit out, refusals counted, releases exact. */
class NodeBufferBudgetTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final NodeBufferBudget budget = new NodeBufferBudget(1_000, registry);

    @Test
    void reservationsUpToTheLimitAreTakenAndTheNextIsRefusedAndCounted() {
        assertTrue(budget.reserve(600));
        assertTrue(budget.reserve(400));

        assertFalse(budget.reserve(1));

        assertEquals(1_000, budget.reserved());
        assertEquals(1, registry.get("ccp.buffer.budget.refusals").counter().count());
        assertEquals(1_000, registry.get("ccp.buffer.budget.reserved.bytes").gauge().value());
        assertEquals(1_000, registry.get("ccp.buffer.budget.limit.bytes").gauge().value());
    }

    @Test
    void aReleaseMakesRoomAgain() {
        budget.reserve(1_000);

        budget.release(300);

        assertTrue(budget.reserve(300));
        assertEquals(1_000, budget.reserved());
    }

    @Test
    void releasingMoreThanWasReservedIsABug() {
        budget.reserve(10);

        assertThrows(IllegalStateException.class, () -> budget.release(11));
    }

    @Test
    void concurrentReservationsNeverPassTheLimit() throws Exception {
        AtomicInteger taken = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 1_000; i++) {
                    if (budget.reserve(7)) {
                        taken.incrementAndGet();
                    }
                }
            });
            thread.start();
            threads.add(thread);
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join();
        }

        assertEquals(1_000 / 7, taken.get());
        assertEquals(7L * taken.get(), budget.reserved());
    }
}
