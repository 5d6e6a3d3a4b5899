package io.commucat.ccp.client;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Runs tasks one at a time, in submission order, on another executor; a task that returns an
 * unfinished stage holds the next one back until the stage completes. That is how a message
 * handler paces delivery without blocking a thread. Never runs two tasks at once.
 */
final class DispatchChain {

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final Executor executor;
    private final Queue<Supplier<? extends CompletionStage<?>>> tasks = new ArrayDeque<>();
    private boolean running;

    DispatchChain(Executor executor) {
        this.executor = executor;
    }

    static CompletionStage<Void> done() {
        return DONE;
    }

    void submit(Supplier<? extends CompletionStage<?>> task) {
        synchronized (this) {
            tasks.add(task);
            if (running) {
                return;
            }
            running = true;
        }
        executor.execute(this::drain);
    }

    /** Submits a task without a stage of its own. */
    void execute(Runnable task) {
        submit(() -> {
            task.run();
            return DONE;
        });
    }

    private void drain() {
        while (true) {
            Supplier<? extends CompletionStage<?>> next;
            synchronized (this) {
                next = tasks.poll();
                if (next == null) {
                    running = false;
                    return;
                }
            }
            CompletionStage<?> stage;
            try {
                stage = next.get();
            } catch (RuntimeException e) {
                stage = DONE; // an application's failure must not stop the tasks after it
            }
            CompletableFuture<?> future = stage.toCompletableFuture();
            if (!future.isDone()) {
                future.whenComplete((value, error) -> executor.execute(this::drain));
                return;
            }
        }
    }
}
