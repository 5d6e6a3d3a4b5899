package io.commucat.ccp.server.node;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded pool where blocking storage calls run (architecture.md, "Netty rules": never on an
 * event loop). A full queue rejects new work: the session then answers "server busy" instead of
 * queuing without bound.
 */
final class StorageExecutor {

    /** Thread names, so a test or a thread dump tells storage threads from event loops. */
    static final String THREAD_PREFIX = "ccp-storage-";

    private StorageExecutor() {
    }

    static ThreadPoolExecutor create(int threads, int queue) {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(queue), r -> {
                    Thread t = new Thread(r, THREAD_PREFIX + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
