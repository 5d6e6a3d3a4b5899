package io.commucat.ccp.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.commucat.ccp.client.handshake.DeviceHandshake;
import io.commucat.ccp.client.handshake.DeviceIdentity;
import io.commucat.ccp.client.handshake.UserHints;
import io.commucat.ccp.client.transport.ClientConnection;
import io.commucat.ccp.client.transport.ClientTransport;
import io.commucat.ccp.client.transport.DeviceConnection;
import io.commucat.ccp.client.transport.StreamClosure;
import io.commucat.ccp.crypto.Hex;
import io.commucat.ccp.crypto.keys.DeviceKeyPair;
import io.commucat.ccp.crypto.noise.NoiseKeyPair;
import io.commucat.ccp.crypto.noise.NoisePattern;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Idle device sessions as cheap on the device side as a real bootstrap allows, so that 100 000
 * fit in one JVM: no SDK client per device, only the SDK's handshake and stream classes
 * ({@link DeviceHandshake}, {@link DeviceConnection}) over shared TLS + HTTP/2 connections,
 * {@code streamsPerConnection} {@code /connect} streams on each (1: a TLS connection per device,
 * as devices connect in production). Connections are bound round-robin to the given local
 * addresses, so that no address runs out of ephemeral ports.
 *
 * <p>Every device is new: fresh keys, XK with the server key of {@code /api/server-info}, a user
 * of its own by the node's auto-approval; the session of that registration is the idle session
 * (one bootstrap per device, as a device that registers and stays connected). Sessions open in
 * the order of {@link #open}'s calls, at most {@code inFlight} bootstraps at a time and, with a
 * positive rate, no faster than that many per second.
 *
 * <p>Not thread-safe: one thread calls {@link #open} and {@link #close}.
 */
final class IdleFleet implements AutoCloseable {

    private static final Duration BOOTSTRAP_TIMEOUT = Duration.ofSeconds(120);

    private final List<ClientTransport> transports = new ArrayList<>();
    private final List<ClientConnection> connections = new ArrayList<>();
    private final EventLoopGroup group;
    private final int streamsPerConnection;
    private final Semaphore inFlight;
    private final int maxInFlight;
    private final long nanosPerBootstrap;
    private final SecureRandom random = new SecureRandom();
    private final String run = Hex.encode(random.generateSeed(4));
    private final String domain;
    private final byte[] serverNoiseKey;
    private final AtomicInteger established = new AtomicInteger();
    private final AtomicInteger ended = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    private int started;
    private CompletableFuture<ClientConnection> current;
    private long nextStart = System.nanoTime();

    /**
     * @param rate bootstraps started per second at most; 0 for no pacing beyond {@code inFlight}
     */
    IdleFleet(URI server, Path ca, List<InetAddress> sources, int streamsPerConnection, int ioThreads,
            int inFlight, double rate) throws Exception {
        if (streamsPerConnection < 1 || inFlight < 1 || sources.isEmpty()) {
            throw new IllegalArgumentException("streams per connection, in-flight bootstraps and sources must be positive");
        }
        this.group = new MultiThreadIoEventLoopGroup(ioThreads, new DefaultThreadFactory("idle-device-io", true),
                NioIoHandler.newFactory());
        for (InetAddress source : sources) {
            transports.add(ClientTransport.builder(server.getHost(), server.getPort()).trustCertificates(ca)
                    .protocols(ClientConnection.Protocol.HTTP_2).eventLoopGroup(group).localAddress(source)
                    .connectTimeout(Duration.ofSeconds(60)).build());
        }
        this.streamsPerConnection = streamsPerConnection;
        this.inFlight = new Semaphore(inFlight);
        this.maxInFlight = inFlight;
        this.nanosPerBootstrap = rate > 0 ? (long) (1e9 / rate) : 0;
        JsonNode answer = serverInfo(transports.get(0));
        this.domain = answer.path("domain").asText();
        this.serverNoiseKey = Hex.decode(answer.path("noise_public").asText());
    }

    /** {@code /api/server-info}, tried a few times: a node on a loaded machine may drop a first connection. */
    private static JsonNode serverInfo(ClientTransport transport) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                ClientConnection info = transport.connect().get(60, TimeUnit.SECONDS);
                try {
                    return new ObjectMapper().readTree(info.get("/api/server-info").get(60, TimeUnit.SECONDS).body());
                } finally {
                    info.close();
                }
            } catch (ExecutionException e) {
                if (attempt == 5) {
                    throw e;
                }
                System.err.println("[idle-fleet] server-info: " + e.getCause() + "; again");
                Thread.sleep(1000);
            }
        }
    }

    /** Opens {@code count} more sessions; returns once each is established or has failed. */
    void open(int count, String label) throws InterruptedException {
        int target = started + count;
        long reported = System.nanoTime();
        while (started < target) {
            pace();
            inFlight.acquire();
            start(connectionForNext());
            started++;
            if (System.nanoTime() - reported > TimeUnit.SECONDS.toNanos(10)) {
                reported = System.nanoTime();
                System.err.printf("[idle-fleet] %s: %d started, %d established, %d failed, %d ended%n", label,
                        started, established.get(), failed.get(), ended.get());
            }
        }
        inFlight.acquire(maxInFlight); // every bootstrap of this call has finished
        inFlight.release(maxInFlight);
        System.err.printf("[idle-fleet] %s: %d established, %d failed, %d ended%n", label, established.get(),
                failed.get(), ended.get());
    }

    int established() {
        return established.get();
    }

    /** Established sessions that have ended since (none should, while idle). */
    int ended() {
        return ended.get();
    }

    int failed() {
        return failed.get();
    }

    Throwable firstFailure() {
        return firstFailure.get();
    }

    int connections() {
        return connections.size();
    }

    private void pace() {
        if (nanosPerBootstrap == 0) {
            return;
        }
        long wait = nextStart - System.nanoTime();
        if (wait > 0) {
            LockSupport.parkNanos(wait);
        }
        nextStart = Math.max(nextStart, System.nanoTime() - TimeUnit.SECONDS.toNanos(1)) + nanosPerBootstrap;
    }

    /** A new connection every {@code streamsPerConnection} devices, on the next local address in turn. */
    private CompletableFuture<ClientConnection> connectionForNext() {
        if (started % streamsPerConnection == 0) {
            ClientTransport transport = transports.get((started / streamsPerConnection) % transports.size());
            current = transport.connect().whenComplete((c, error) -> {
                if (c != null) {
                    synchronized (connections) {
                        connections.add(c);
                    }
                }
            });
        }
        return current;
    }

    private void start(CompletableFuture<ClientConnection> connection) {
        byte[] id = new byte[12];
        random.nextBytes(id);
        DeviceIdentity device = new DeviceIdentity("dev-" + Hex.encode(id), DeviceKeyPair.generate(random),
                NoiseKeyPair.generate(random), null);
        DeviceHandshake handshake = new DeviceHandshake(device, domain, serverNoiseKey,
                DeviceHandshake.defaultPrologue(), NoisePattern.XK, UserHints.handle("idle-" + run + "-" + started),
                random);
        connection.thenApply(c -> DeviceConnection.start(c, handshake, new Watch()).established())
                .thenCompose(session -> session)
                .orTimeout(BOOTSTRAP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                .whenComplete((session, error) -> {
                    if (error == null) {
                        established.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                        firstFailure.compareAndSet(null, error);
                    }
                    inFlight.release();
                });
    }

    /** Counts established sessions that end. */
    private final class Watch extends DeviceConnection.Listener {
        private volatile boolean wasEstablished;

        @Override
        public void onBootstrapFrame(Frame frame) {
            if (frame.type() == FrameType.ACK) {
                wasEstablished = true;
            }
        }

        @Override
        public void onClosed(StreamClosure closure, Throwable failure) {
            if (wasEstablished) {
                ended.incrementAndGet();
            }
        }
    }

    @Override
    public void close() {
        synchronized (connections) {
            connections.forEach(ClientConnection::close);
        }
        transports.forEach(ClientTransport::close);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(30, TimeUnit.SECONDS);
    }
}
