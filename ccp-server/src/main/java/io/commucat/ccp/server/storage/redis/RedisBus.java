package io.commucat.ccp.server.storage.redis;

import io.commucat.ccp.server.storage.Bus;
import io.commucat.ccp.server.storage.StorageException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.BinaryJedisPubSub;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * {@link Bus} over Redis pub/sub: node {@code n} listens on {@code <prefix>node:<n>} and on the
 * cluster-wide {@code <prefix>broadcast}, which every node's subscription shares. Publishing
 * uses the shared pool; the subscription holds one connection of its own on a daemon thread,
 * which reconnects (after a second) whenever Redis drops it. Messages published while it is
 * reconnecting are lost, which the bus allows. Thread-safe.
 */
public final class RedisBus implements Bus {

    private static final Logger LOG = LoggerFactory.getLogger(RedisBus.class);
    private static final int TIMEOUT_MS = 2_000;
    private static final long RECONNECT_MS = 1_000;
    private static final long SUBSCRIBE_WAIT_MS = 5_000;

    private final UnifiedJedis publisher;
    private final boolean ownsPublisher;
    private final HostAndPort address;
    private final URI uri;
    private final String prefix;
    private final RedisBreaker breaker;
    /** Told each time the subscription is confirmed again after it was lost. */
    private volatile Runnable resubscribed = () -> { };
    private volatile boolean closed;
    private volatile Subscription subscription;
    private Thread thread;

    /**
     * @param redisUrl {@code redis://[user:password@]host:port[/db]} or {@code rediss://}; the
     *     subscription connects to it on its own
     * @param publisher the pool publishes go through, or {@code null} to make one ({@link #close}
     *     then closes it)
     */
    public RedisBus(String redisUrl, UnifiedJedis publisher, String keyPrefix) {
        this(redisUrl, publisher, keyPrefix, new RedisBreaker());
    }

    /**
     * @param breaker shared with the other users of the same Redis: publishes fail fast while it
     *     is open, and the subscription's confirmation closes it
     */
    public RedisBus(String redisUrl, UnifiedJedis publisher, String keyPrefix, RedisBreaker breaker) {
        this.breaker = Objects.requireNonNull(breaker, "breaker");
        this.uri = URI.create(redisUrl);
        this.address = JedisURIHelper.getHostAndPort(uri);
        this.ownsPublisher = publisher == null;
        this.publisher = publisher != null ? publisher : new JedisPooled(uri, TIMEOUT_MS);
        this.prefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
    }

    @Override
    public void publish(String nodeId, byte[] message) throws StorageException {
        if (closed) {
            throw new StorageException(StorageException.Kind.UNAVAILABLE, "bus closed");
        }
        breaker.call("bus publish", () -> publisher.publish(channel(nodeId), message));
    }

    @Override
    public void broadcast(byte[] message) throws StorageException {
        if (closed) {
            throw new StorageException(StorageException.Kind.UNAVAILABLE, "bus closed");
        }
        breaker.call("bus broadcast", () -> publisher.publish(broadcastChannel(), message));
    }

    @Override
    public synchronized void subscribe(String nodeId, Consumer<byte[]> handler) throws StorageException {
        Objects.requireNonNull(handler, "handler");
        if (thread != null) {
            throw new IllegalStateException("already subscribed");
        }
        byte[][] channels = {channel(nodeId), broadcastChannel()};
        CountDownLatch first = new CountDownLatch(1);
        JedisClientConfig clientConfig = DefaultJedisClientConfig.builder()
                .user(JedisURIHelper.getUser(uri))
                .password(JedisURIHelper.getPassword(uri))
                .database(JedisURIHelper.getDBIndex(uri))
                .ssl(JedisURIHelper.isRedisSSLScheme(uri))
                .connectionTimeoutMillis(TIMEOUT_MS)
                // A subscriber waits for messages indefinitely.
                .socketTimeoutMillis(0)
                // Operators find each node's subscription in CLIENT LIST.
                .clientName(subscriberName(nodeId))
                .build();
        thread = new Thread(() -> listen(clientConfig, channels, handler, first), "ccp-bus-" + nodeId);
        thread.setDaemon(true);
        thread.start();
        try {
            if (!first.await(SUBSCRIBE_WAIT_MS, TimeUnit.MILLISECONDS)) {
                throw new StorageException(StorageException.Kind.UNAVAILABLE,
                        "bus subscribe: Redis did not confirm within " + SUBSCRIBE_WAIT_MS + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException(StorageException.Kind.UNAVAILABLE, "bus subscribe interrupted", e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>This is how a node learns that Redis is back after an outage, and the only way: the
     * subscription, which reconnects every second while Redis is away, is confirmed again. By
     * then the node hears what is published to it, so routes it rewrites from here on can be
     * used by other nodes without their deliveries being lost; the breaker is closed first, so
     * those writes are not refused. (A kill and restart always drops the subscription; a
     * subscription drop without a Redis restart only makes the rewrite redundant.)
     */
    @Override
    public void whenResubscribed(Runnable listener) {
        this.resubscribed = Objects.requireNonNull(listener, "listener");
    }

    private void listen(JedisClientConfig clientConfig, byte[][] channels, Consumer<byte[]> handler,
            CountDownLatch first) {
        boolean lost = false;
        while (!closed) {
            Subscription s = new Subscription(handler, first, channels.length,
                    lost ? this::confirmedAgain : () -> { });
            try (Jedis connection = new Jedis(address, clientConfig)) {
                subscription = s;
                connection.subscribe(s, channels); // blocks until unsubscribed or the connection drops
            } catch (RuntimeException e) {
                if (!closed) {
                    if (!lost || s.confirmed) {
                        LOG.warn("bus subscription lost ({}); reconnecting every {} ms", e.toString(), RECONNECT_MS);
                        breaker.unreachable("bus subscription lost");
                    }
                    lost = true;
                    sleep();
                }
            }
        }
    }

    private void confirmedAgain() {
        LOG.info("bus subscription confirmed again");
        breaker.reachable();
        try {
            resubscribed.run();
        } catch (RuntimeException e) {
            LOG.error("resubscription listener failed", e);
        }
    }

    @Override
    public boolean ping() {
        try {
            return !closed && "PONG".equalsIgnoreCase(publisher.ping());
        } catch (JedisException e) {
            return false;
        }
    }

    @Override
    public void close() {
        closed = true;
        Subscription s = subscription;
        if (s != null && s.isSubscribed()) {
            try {
                s.unsubscribe();
            } catch (RuntimeException e) {
                // the connection is going away anyway
            }
        }
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(TIMEOUT_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (ownsPublisher) {
            publisher.close();
        }
    }

    /** The Redis client name of a node's subscription: {@code ccp-bus-<node id>}, spaces replaced. */
    static String subscriberName(String nodeId) {
        return ("ccp-bus-" + nodeId).replaceAll("[^\\x21-\\x7e]", "_");
    }

    byte[] channel(String nodeId) {
        return (prefix + "node:" + nodeId).getBytes(StandardCharsets.UTF_8);
    }

    byte[] broadcastChannel() {
        return (prefix + "broadcast").getBytes(StandardCharsets.UTF_8);
    }

    private static void sleep() {
        try {
            Thread.sleep(RECONNECT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Hands messages over; a handler's exception is logged, never kills the subscription. */
    private static final class Subscription extends BinaryJedisPubSub {
        private final Consumer<byte[]> handler;
        private final CountDownLatch first;
        private final int channels;
        private final Runnable onConfirmed;
        /** Set on the bus thread, read there after the connection dropped. */
        boolean confirmed;

        Subscription(Consumer<byte[]> handler, CountDownLatch first, int channels, Runnable onConfirmed) {
            this.handler = handler;
            this.first = first;
            this.channels = channels;
            this.onConfirmed = onConfirmed;
        }

        /** Ready once Redis confirmed every channel: a broadcast right after subscribe must arrive. */
        @Override
        public void onSubscribe(byte[] channel, int subscribedChannels) {
            if (subscribedChannels >= channels && !confirmed) {
                confirmed = true;
                first.countDown();
                onConfirmed.run();
            }
        }

        @Override
        public void onMessage(byte[] channel, byte[] message) {
            try {
                handler.accept(message);
            } catch (RuntimeException e) {
                LOG.error("bus handler failed", e);
            }
        }
    }
}
