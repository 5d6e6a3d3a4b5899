package io.commucat.ccp.server.storage;

import java.util.function.Consumer;

/**
 * Cross-node messages (architecture.md, "Scale-out"): each node listens on a channel of its own
 * and any node can publish to it; a broadcast reaches every node of the cluster. At most once: a message to a node that is gone, or lost while
 * a subscriber reconnects, is dropped, so nothing that must survive travels only here (durable
 * frames are in the inbox first). Thread-safe.
 */
public interface Bus extends AutoCloseable {

    /** Sends {@code message} to node {@code nodeId}. Blocking (one round trip). */
    void publish(String nodeId, byte[] message) throws StorageException;

    /**
     * Sends {@code message} to every node subscribed on this cluster's bus, the sender's own
     * subscription included. Blocking (one round trip).
     */
    void broadcast(byte[] message) throws StorageException;

    /**
     * Hands every message published to {@code nodeId}, and every broadcast, to {@code handler},
     * on a thread of the bus's own, from the moment this returns. One subscription per bus.
     */
    void subscribe(String nodeId, Consumer<byte[]> handler) throws StorageException;

    /**
     * Runs {@code listener} each time the subscription is confirmed again after it was lost
     * (messages published meanwhile were dropped, and the shared state behind the bus may be
     * gone with it), on the bus's thread: it must not block. Replaces an earlier listener. The
     * in-process bus never loses its subscription, so it never calls it.
     */
    default void whenResubscribed(Runnable listener) {
    }

    /** Whether the bus can publish now (for {@code /readyz}). Blocking. */
    boolean ping();

    /** Stops the subscription; later publishes fail. */
    @Override
    void close();
}
