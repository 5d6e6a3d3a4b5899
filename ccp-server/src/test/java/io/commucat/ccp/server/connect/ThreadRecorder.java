package io.commucat.ccp.server.connect;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Wraps a storage port and records the threads that call it, and how often each method is called;
 * a test may also step in right after a call (to commit something at that exact point).
 */
final class ThreadRecorder {

    private final Set<String> threads = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    /** One-shot hooks: run on the calling thread right after a matching call returned. */
    private final List<AfterCall> afterCalls = new CopyOnWriteArrayList<>();

    private record AfterCall(String method, Predicate<Object[]> when, Runnable hook) {
    }

    @SuppressWarnings("unchecked")
    <T> T wrap(Class<T> port, T target) {
        InvocationHandler handler = (proxy, method, args) -> {
            threads.add(Thread.currentThread().getName());
            calls.computeIfAbsent(port.getSimpleName() + "." + method.getName(), m -> new AtomicInteger())
                    .incrementAndGet();
            Object result;
            try {
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            String name = port.getSimpleName() + "." + method.getName();
            for (AfterCall after : afterCalls) {
                if (after.method().equals(name) && after.when().test(args) && afterCalls.remove(after)) {
                    after.hook().run();
                }
            }
            return result;
        };
        return (T) Proxy.newProxyInstance(port.getClassLoader(), new Class<?>[] {port}, handler);
    }

    /**
     * Runs {@code hook} once, on the storage thread, right after the next call of {@code method}
     * ({@code "Port.method"}) whose arguments match {@code when} returned.
     */
    void afterCall(String method, Predicate<Object[]> when, Runnable hook) {
        afterCalls.add(new AfterCall(method, when, hook));
    }

    Set<String> threads() {
        return Set.copyOf(threads);
    }

    /** Calls so far of {@code method} of the port {@code Port}, named {@code "Port.method"}. */
    int calls(String method) {
        AtomicInteger count = calls.get(method);
        return count == null ? 0 : count.get();
    }
}
