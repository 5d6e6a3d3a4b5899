package io.commucat.ccp.server.connect;

import io.commucat.ccp.crypto.cert.DeviceCertificateAuthority;
import io.commucat.ccp.crypto.keys.DeviceCaKeyPair;
import io.commucat.ccp.proto.BufferReservations;
import io.commucat.ccp.server.cluster.Router;
import io.commucat.ccp.server.handshake.DeviceResolver;
import io.commucat.ccp.server.handshake.HandshakeException;
import io.commucat.ccp.server.handshake.HandshakePolicy;
import io.commucat.ccp.server.handshake.SessionTokens;
import io.commucat.ccp.server.relay.InboxWriter;
import io.commucat.ccp.server.relay.Relay;
import io.commucat.ccp.server.secrets.NoiseKeyCatalog;
import io.commucat.ccp.server.secrets.SecretSealer;
import io.commucat.ccp.server.storage.Bus;
import io.commucat.ccp.server.storage.Channels;
import io.commucat.ccp.server.storage.Directory;
import io.commucat.ccp.server.storage.Groups;
import io.commucat.ccp.server.storage.Inbox;
import io.commucat.ccp.server.storage.Presence;
import io.commucat.ccp.server.storage.Sessions;
import io.commucat.ccp.server.storage.embedded.EmbeddedBus;
import io.commucat.ccp.server.storage.embedded.EmbeddedPresence;
import io.commucat.ccp.server.storage.jdbc.JdbcSettings;
import io.commucat.ccp.server.storage.jdbc.JdbcStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One node's session services on the embedded store (H2 file + in-process presence), with a
 * single-threaded "event loop" and a storage pool, for driving {@link ConnectSession} without a
 * socket. Every storage call is recorded with its thread. Public for the transport tests of
 * {@code http}, which put {@link #services} behind a real server.
 */
public final class ConnectFixture implements AutoCloseable {

    public static final String DOMAIN = "chat.example.com";
    static final String NODE = "node-test";
    static final String LOOP_THREAD = "test-loop";

    final SecureRandom random = new SecureRandom();
    final JdbcStore store;
    final Directory directory;
    final Sessions sessions;
    final Presence presence;
    final Relay relay;
    final InboxWriter inboxWriter;
    final EmbeddedBus bus = new EmbeddedBus();
    final NoiseKeyCatalog noiseKeys;
    final DeviceCaKeyPair caKey;
    final SessionRegistry registry = new SessionRegistry();
    final ThreadRecorder storageThreads = new ThreadRecorder();
    final List<String> failures = new CopyOnWriteArrayList<>();
    /** The report of each failure in {@link #failures}, same order. */
    final List<HandshakeReport> failedReports = new CopyOnWriteArrayList<>();
    final List<HandshakeReport> established = new CopyOnWriteArrayList<>();
    final List<SessionEnd> endings = new CopyOnWriteArrayList<>();
    final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, LOOP_THREAD));
    final ExecutorService storagePool = Executors.newFixedThreadPool(2, r -> new Thread(r, "test-storage"));
    /** Added to the keepalive schedule's clock: {@link #skipKeepaliveInterval} makes every session due. */
    private final AtomicLong keepaliveSkew = new AtomicLong();
    public final ConnectServices services;
    /** The node's keepalive round over {@link #services}, as a node runs it. */
    final KeepaliveRefresher refresher;
    /** Records the sessions' ends, as a node does; {@link #holdSessionEnds} stops it. */
    private SessionEndRecorder endRecorder;

    public ConnectFixture(Path dir, PolicyChange change) throws Exception {
        this(dir, change, BufferReservations.UNLIMITED, null);
    }

    /** As above, with a node-wide buffer budget. */
    ConnectFixture(Path dir, PolicyChange change, BufferReservations buffers) throws Exception {
        this(dir, change, buffers, null);
    }

    /** As above, with the server's first Noise static key fixed so recorded Hellos stay valid. */
    ConnectFixture(Path dir, PolicyChange change, byte[] noiseSeed) throws Exception {
        this(dir, change, BufferReservations.UNLIMITED, noiseSeed);
    }

    /** @param noiseSeed the server's first Noise static key; null for a random one */
    ConnectFixture(Path dir, PolicyChange change, BufferReservations buffers, byte[] noiseSeed) throws Exception {
        store = JdbcStore.open(JdbcSettings.h2File(dir.resolve("db")));
        directory = storageThreads.wrap(Directory.class, store.directory());
        sessions = storageThreads.wrap(Sessions.class, store.sessions());
        presence = storageThreads.wrap(Presence.class, new EmbeddedPresence());
        byte[] seed = noiseSeed != null ? noiseSeed.clone() : new byte[32];
        if (noiseSeed == null) {
            random.nextBytes(seed);
        }
        noiseKeys = NoiseKeyCatalog.open(store.secrets(), new SecretSealer(null, random), Duration.ofDays(30),
                Duration.ofDays(7), 4, seed, Clock.systemUTC(), random);
        caKey = DeviceCaKeyPair.generate(random);
        HandshakePolicy policy = change.apply(new HandshakePolicy(DOMAIN,
                "commucat".getBytes(StandardCharsets.US_ASCII), true, false, 5, Duration.ofSeconds(60),
                Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofDays(30), Duration.ofSeconds(10),
                Duration.ofSeconds(30)));
        DeviceResolver resolver = new DeviceResolver(directory, new DeviceCertificateAuthority(caKey), policy, random);
        HandshakeListener listener = new HandshakeListener() {
            @Override
            public void failed(HandshakeReport report, String reason, HandshakeException failure) {
                failedReports.add(report);
                failures.add(reason + (failure == null ? "" : ":" + failure.detail()));
            }

            @Override
            public void established(HandshakeReport report) {
                established.add(report);
            }

            @Override
            public void ended(HandshakeReport report, SessionEnd reason) {
                endings.add(reason);
            }
        };
        Inbox inbox = storageThreads.wrap(Inbox.class, store.inbox());
        inboxWriter = new InboxWriter(inbox, 1, 10_000, 64L << 20);
        relay = new Relay(storageThreads.wrap(Channels.class, store.channels()), inbox, inboxWriter,
                storageThreads.wrap(Groups.class, store.groups()), Duration.ofDays(1));
        services = new ConnectServices(policy, noiseKeys, resolver, sessions, presence, relay,
                new Router(presence, storageThreads.wrap(Bus.class, bus), NODE), new SessionTokens(random),
                caKey.publicKey(), registry, listener, storagePool, Clock.systemUTC(), NODE, buffers,
                new KeepaliveSchedule<>(policy.refreshPeriod(), () -> System.nanoTime() + keepaliveSkew.get()));
        refresher = KeepaliveRefresher.start(services);
        endRecorder = SessionEndRecorder.start(services);
    }

    /**
     * Sessions' ends wait in {@link ConnectServices#sessionEnds()} until {@link #recordSessionEnds}
     * (a recorder that is behind). Stops the fixture's recorder, which records what it holds first.
     */
    void holdSessionEnds() {
        endRecorder.stop();
        endRecorder = null;
    }

    /** Records the ends held since {@link #holdSessionEnds}, now and on this thread, as the recorder would. */
    void recordSessionEnds() throws InterruptedException {
        java.util.List<SessionEnds.Ended> held = services.sessionEnds().take(Integer.MAX_VALUE, 0, TimeUnit.MILLISECONDS);
        SessionEndRecorder.record(services, held);
    }

    /** Waits up to ten seconds for a node's bus {@code inbox} to be told that {@code deviceId}'s session moved here. */
    static void awaitToldToReplace(java.util.concurrent.BlockingQueue<byte[]> inbox, String deviceId)
            throws Exception {
        byte[] told = inbox.poll(10, TimeUnit.SECONDS);
        org.junit.jupiter.api.Assertions.assertTrue(told != null, "nothing published to the other node");
        io.commucat.ccp.server.cluster.ClusterMessage message = io.commucat.ccp.server.cluster.ClusterMessage.decode(told);
        org.junit.jupiter.api.Assertions.assertTrue(
                message instanceof io.commucat.ccp.server.cluster.ClusterMessage.Replace replace
                        && replace.deviceId().equals(deviceId), message.toString());
    }

    /** Waits up to ten seconds for {@code condition}; fails with {@code what} otherwise. */
    static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            org.junit.jupiter.api.Assertions.assertTrue(System.nanoTime() < deadline, what);
            Thread.sleep(10);
        }
    }

    /** Moves the keepalive schedule one interval on: every established session is due at the next tick. */
    void skipKeepaliveInterval() {
        keepaliveSkew.addAndGet(services.policy().refreshPeriod().toNanos());
    }

    /** Changes the default policy for one test. */
    @FunctionalInterface
    public interface PolicyChange {
        HandshakePolicy apply(HandshakePolicy defaults);

        PolicyChange NONE = p -> p;
    }

    static HandshakePolicy with(HandshakePolicy p, boolean autoApprove, boolean existingUsers, int maxDevices) {
        return new HandshakePolicy(p.domain(), p.prologue(), autoApprove, existingUsers, maxDevices,
                p.connectionKeepalive(), p.keepaliveInterval(), p.presenceTtl(), p.certificateValidity(),
                p.helloTimeout(), p.bootstrapTimeout());
    }

    static HandshakePolicy withKeepaliveInterval(HandshakePolicy p, Duration interval) {
        return new HandshakePolicy(p.domain(), p.prologue(), p.autoApproveDevices(), p.autoApproveExistingUsers(),
                p.maxAutoDevicesPerUser(), p.connectionKeepalive(), interval, p.presenceTtl(), p.certificateValidity(),
                p.helloTimeout(), p.bootstrapTimeout());
    }

    static HandshakePolicy withBootstrapDeadlines(HandshakePolicy p, Duration hello, Duration bootstrap) {
        return new HandshakePolicy(p.domain(), p.prologue(), p.autoApproveDevices(), p.autoApproveExistingUsers(),
                p.maxAutoDevicesPerUser(), p.connectionKeepalive(), p.keepaliveInterval(), p.presenceTtl(),
                p.certificateValidity(), hello, bootstrap);
    }

    public byte[] serverNoisePublic() {
        return noiseKeys.active(Clock.systemUTC().instant()).get(0).keyPair().publicKey();
    }

    /** A new stream to the node. */
    Stream open() throws Exception {
        RecordingDownstream down = new RecordingDownstream();
        ConnectSession session = loop.submit(() -> new ConnectSession(services, down, loop, "192.0.2.7:50000")).get();
        down.onReady(() -> loop.execute(session::onReady));
        return new Stream(this, session, down);
    }

    /** The names of the threads that called any storage port so far. */
    public java.util.Set<String> storageThreadNames() {
        return storageThreads.threads();
    }

    @Override
    public void close() throws Exception {
        refresher.close();
        if (endRecorder != null) {
            endRecorder.close();
        }
        loop.shutdownNow();
        storagePool.shutdown();
        storagePool.awaitTermination(5, TimeUnit.SECONDS);
        inboxWriter.close();
        store.close();
    }

    /** A session plus what it wrote, driven on the fixture's loop like a transport adapter would. */
    static final class Stream {
        final ConnectFixture fixture;
        final ConnectSession session;
        final RecordingDownstream down;

        Stream(ConnectFixture fixture, ConnectSession session, RecordingDownstream down) {
            this.fixture = fixture;
            this.session = session;
            this.down = down;
        }

        void send(byte[] bytes) throws Exception {
            fixture.loop.submit(() -> session.onBytes(bytes, 0, bytes.length)).get();
        }

        void sendInChunks(byte[] bytes, int chunk) throws Exception {
            for (int i = 0; i < bytes.length; i += chunk) {
                int off = i;
                int len = Math.min(chunk, bytes.length - i);
                fixture.loop.submit(() -> session.onBytes(bytes, off, len)).get();
            }
        }

        void endUpstream() throws Exception {
            fixture.loop.submit(session::onUpstreamEnd).get();
        }

        void transportClosed() throws Exception {
            fixture.loop.submit(session::onTransportClosed).get();
        }

        ConnectSession.State state() throws Exception {
            return fixture.loop.submit(session::state).get();
        }

        /** Waits until the session wrote at least {@code writes} times or closed. */
        void awaitWrites(int writes) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (down.writes() < writes && !down.isClosed()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no answer from the session; state " + state());
                }
                Thread.sleep(5);
            }
            fixture.loop.submit(() -> { }).get();
        }
    }
}
