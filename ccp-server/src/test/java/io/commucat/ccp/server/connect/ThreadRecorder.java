package io.commucat.ccp.server.connect;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Wraps a storage port and records the threads that call it, and how often each method is called. */
final class ThreadRecorder {

    private final Set<String> threads = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    @SuppressWarnings("unchecked")
    <T> T wrap(Class<T> port, T target) {
        InvocationHandler handler = (proxy, method, args) -> {
            threads.add(Thread.currentThread().getName());
            calls.computeIfAbsent(port.getSimpleName() + "." + method.getName(), m -> new AtomicInteger())
                    .incrementAndGet();
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (T) Proxy.newProxyInstance(port.getClassLoader(), new Class<?>[] {port}, handler);
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
