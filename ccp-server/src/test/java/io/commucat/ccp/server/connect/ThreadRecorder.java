package io.commucat.ccp.server.connect;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Wraps a storage port and records the threads that call it. */
final class ThreadRecorder {

    private final Set<String> threads = ConcurrentHashMap.newKeySet();

    @SuppressWarnings("unchecked")
    <T> T wrap(Class<T> port, T target) {
        InvocationHandler handler = (proxy, method, args) -> {
            threads.add(Thread.currentThread().getName());
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
}
