package io.commucat.ccp.server.storage.embedded;

import io.commucat.ccp.server.storage.Bus;
import io.commucat.ccp.server.storage.StorageException;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * {@link Bus} inside one JVM: the embedded default, where one node runs alone, and nodes in one
 * process (tests) that share a {@link Hub}. The handler runs on the publisher's thread, so it
 * must not block. Thread-safe.
 */
public final class EmbeddedBus implements Bus {

    /** The subscriptions that buses of one process share. */
    public static final class Hub {
        private final ConcurrentHashMap<String, Consumer<byte[]>> subscribers = new ConcurrentHashMap<>();
    }

    private final Hub hub;
    private volatile String subscribed;
    private volatile boolean closed;

    /** A bus of its own: the single embedded node. */
    public EmbeddedBus() {
        this(new Hub());
    }

    /** A node's bus on a shared hub. */
    public EmbeddedBus(Hub hub) {
        this.hub = Objects.requireNonNull(hub, "hub");
    }

    @Override
    public void publish(String nodeId, byte[] message) throws StorageException {
        if (closed) {
            throw new StorageException(StorageException.Kind.UNAVAILABLE, "bus closed");
        }
        Consumer<byte[]> handler = hub.subscribers.get(nodeId);
        if (handler != null) {
            handler.accept(message.clone());
        }
    }

    /** To every subscriber of the hub: this node's own, and those of nodes sharing the hub. */
    @Override
    public void broadcast(byte[] message) throws StorageException {
        if (closed) {
            throw new StorageException(StorageException.Kind.UNAVAILABLE, "bus closed");
        }
        RuntimeException first = null;
        for (Consumer<byte[]> handler : hub.subscribers.values()) {
            try {
                handler.accept(message.clone());
            } catch (RuntimeException e) {
                // One node's failing handler must not keep the message from the others.
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public synchronized void subscribe(String nodeId, Consumer<byte[]> handler) {
        Objects.requireNonNull(handler, "handler");
        if (subscribed != null) {
            throw new IllegalStateException("already subscribed");
        }
        if (hub.subscribers.putIfAbsent(nodeId, handler) != null) {
            throw new IllegalStateException("node " + nodeId + " is already subscribed");
        }
        subscribed = nodeId;
    }

    @Override
    public boolean ping() {
        return !closed;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (subscribed != null) {
            hub.subscribers.remove(subscribed);
        }
    }
}
