package io.commucat.ccp.client;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One daemon thread for every client's timers (reconnect backoff, keepalive PINGs, request
 * retries). Its tasks only hand work on and never block, so one thread serves thousands of
 * sessions.
 */
final class Timers {

    private static final ScheduledThreadPoolExecutor TIMER = create();

    private Timers() {
    }

    private static ScheduledThreadPoolExecutor create() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "ccp-client-timer");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true); // a cancelled keepalive leaves nothing behind
        return timer;
    }

    static ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        return TIMER.schedule(guarded(task), delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    static ScheduledFuture<?> scheduleAtFixedRate(Runnable task, Duration period) {
        return TIMER.scheduleAtFixedRate(guarded(task), period.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** A periodic task that throws would be cancelled silently; the one-shot ones must not kill the thread either. */
    private static Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                System.getLogger(Timers.class.getName()).log(System.Logger.Level.WARNING, "client timer task failed", e);
            }
        };
    }
}
