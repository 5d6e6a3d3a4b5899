package io.commucat.ccp.bench.load;

import io.commucat.ccp.client.CcpClient;
import io.commucat.ccp.client.CcpException;
import io.commucat.ccp.client.CcpSession;
import io.commucat.ccp.client.ClientResources;
import io.commucat.ccp.client.IdentityStore;
import io.commucat.ccp.client.IncomingMessage;
import io.commucat.ccp.client.SessionListener;
import io.commucat.ccp.client.SessionState;
import io.commucat.ccp.client.Trust;
import io.commucat.ccp.crypto.Hex;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import java.net.URI;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Setup, warm-up, measurement window and drain of the devices' load. Every device is a
 * {@link CcpClient} with its identity in memory, all sharing one {@link ClientResources} and
 * one small callback pool; a device's session comes from {@link CcpClient#connect}.
 */
final class RelayDevices {

    record Result(long acked, double seconds, double ackP50Millis, double ackP99Millis, long delivered,
            double deliveryP50Millis, double deliveryP99Millis, Map<String, Long> refusals, long refusedInWindow,
            long errors, long failures, String lastFailure, long ackedTotal, long deliveredTotal, long duplicates,
            long lostInFlight,
            long inboxRowsAtEnd,
            int connections, CpuMeter.Usage cpu, RelayLoad.DbSample db, RelayLoad.HostSample host,
            long nodeProcessNanos) {

        double perSecond() {
            return acked / seconds;
        }
    }

    // The run's options (RelayLoad's), kept under their names.
    private final int senders;
    private final int window;
    private final int size;
    private final int seconds;
    private final int warmupSeconds;
    private final int foreignEvery;
    private final boolean online;
    private final URI server;
    private final Trust trust;
    private final ClientResources resources;
    private final Executor callbacks;
    private final CpuMeter meter;
    private final RelayLoad.Postgres pg;
    private final String inboxUrl;
    private final byte[] payload;
    /** CPU nanoseconds of the node's child process so far; negative when the node is in this JVM. */
    private final LongSupplier nodeProcessCpu;

    private final LatencyRecorder ackLatency = new LatencyRecorder();
    private final LatencyRecorder deliveryLatency = new LatencyRecorder();
    private final Map<String, LongAdder> refusals = new ConcurrentHashMap<>();
    private final LongAdder refusedInWindow = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder ackedTotal = new LongAdder();
    private final LongAdder deliveredTotal = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong lostInFlight = new AtomicLong();
    private volatile String lastFailure;
    private volatile boolean windowOpen;
    private volatile boolean stopping;
    /** The senders' channels are this one and the next {@code senders - 1} (u32 ids, never 0). */
    private final long firstChannel = 1 + new SecureRandom().nextInt(Integer.MAX_VALUE);
    /** Names the run's devices (their handles): several runs may share a database. */
    private final String run = Hex.encode(RelayLoad.bytes(new SecureRandom(), 4));

    RelayDevices(RelayLoad options, URI server, Trust trust, ClientResources resources, Executor callbacks,
            CpuMeter meter, RelayLoad.Postgres pg, String inboxUrl, byte[] payload, LongSupplier nodeProcessCpu) {
        this.nodeProcessCpu = nodeProcessCpu;
        this.senders = options.senders;
        this.window = options.window;
        this.size = options.size;
        this.seconds = options.seconds;
        this.warmupSeconds = options.warmupSeconds;
        this.foreignEvery = options.foreignEvery;
        this.online = options.online;
        this.server = server;
        this.trust = trust;
        this.resources = resources;
        this.callbacks = callbacks;
        this.meter = meter;
        this.pg = pg;
        this.inboxUrl = inboxUrl;
        this.payload = payload;
    }

    Result run() throws Exception {
        List<Device> sendersList = new ArrayList<>();
        List<Device> recipients = new ArrayList<>();
        Connection monitor = pg == null ? null : pg.connect();
        try {
            for (int i = 0; i < senders; i++) {
                long channel = firstChannel + i;
                sendersList.add(new Device(channel, true));
                recipients.add(new Device(channel, false));
            }

            RelayLoad.progress(String.format(Locale.ROOT, "registering %d senders and %d recipients, a connection each",
                    senders, senders));
            List<Device> all = new ArrayList<>(sendersList);
            all.addAll(recipients);
            for (int from = 0; from < all.size(); from += 16) {
                List<CompletableFuture<?>> chunk = new ArrayList<>();
                for (int i = from; i < Math.min(all.size(), from + 16); i++) {
                    chunk.add(all.get(i).start("load-" + run + "-" + i));
                }
                awaitAll(chunk, "bootstrap");
            }

            RelayLoad.progress("joining " + senders + " channels");
            List<CompletableFuture<Void>> joins = new ArrayList<>();
            for (int i = 0; i < senders; i++) {
                joins.add(sendersList.get(i).join(List.of(recipients.get(i).deviceId)));
            }
            awaitAll(joins, "sender Join");
            joins.clear();
            for (Device r : recipients) {
                joins.add(r.join(List.of()));
            }
            awaitAll(joins, "recipient Join");

            if (!online) {
                List<CompletableFuture<?>> closed = new ArrayList<>();
                for (Device r : recipients) {
                    r.stopping = true;
                    r.session.close();
                    closed.add(r.session.closed());
                }
                awaitAll(closed, "recipient disconnect");
                recipients.forEach(Device::closeClient);
                Thread.sleep(500); // the sessions' ends (presence, routes) are done with
            }

            RelayLoad.progress(String.format(Locale.ROOT,
                    "%d senders × %d in flight, %d-byte Msgs, recipients %s; warm-up %d s",
                    senders, window, size, online ? "online" : "offline", warmupSeconds));
            sendersList.forEach(d -> callbacks.execute(d::fill));
            Thread.sleep(warmupSeconds * 1000L);

            long nodeBefore = nodeProcessCpu.getAsLong();
            CpuMeter.Sample cpuBefore = meter.sample();
            RelayLoad.DbSample dbBefore = pg == null ? null : pg.sample(monitor, "inbox");
            RelayLoad.HostSample hostBefore = RelayLoad.HostSample.now();
            long start = System.nanoTime();
            windowOpen = true;
            ackLatency.open();
            deliveryLatency.open();
            RelayLoad.progress("measuring " + seconds + " s");
            Thread.sleep(seconds * 1000L);
            ackLatency.close();
            deliveryLatency.close();
            windowOpen = false;
            long end = System.nanoTime();
            RelayLoad.HostSample hostAfter = RelayLoad.HostSample.now();
            RelayLoad.DbSample dbAfter = pg == null ? null : pg.sample(monitor, "inbox");
            CpuMeter.Sample cpuAfter = meter.sample();
            long nodeAfter = nodeProcessCpu.getAsLong();

            // Drain: no new Msgs, wait for the Acks of those in flight.
            stopping = true;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (outstanding.get() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            if (outstanding.get() > 0) {
                RelayLoad.progress("warning: " + outstanding.get() + " Msgs still unacked 15 s after the load stopped");
            }
            long rowsAtEnd = countInbox();
            if (online) {
                // The last deliveries and the recipients' Acks (deletes): wait until the inbox is
                // empty or stops shrinking for 3 s.
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                long changed = System.nanoTime();
                while (rowsAtEnd > 0 && System.nanoTime() < until
                        && System.nanoTime() - changed < TimeUnit.SECONDS.toNanos(3)) {
                    Thread.sleep(250);
                    long now = countInbox();
                    if (now != rowsAtEnd) {
                        rowsAtEnd = now;
                        changed = System.nanoTime();
                    }
                }
            }
            CpuMeter.Usage usage = cpuAfter.minus(cpuBefore);
            long n = Math.max(1, ackLatency.count());
            RelayLoad.progress(String.format(Locale.ROOT, "devices' threads: %.1f µs per acked Msg, of which %.1f in the"
                    + " kernel; I/O threads %.1f, callback pool %.1f, the SDK's workers and timer %.1f; GC, JIT, VM %.1f"
                    + " (JIT compiling %d ms, GC pauses %d ms in the window)",
                    usage.get(CpuMeter.Group.CLIENT) / 1000.0 / n, usage.kernel(CpuMeter.Group.CLIENT) / 1000.0 / n,
                    cpuAfter.threadsNamed(cpuBefore, "ccp-client-io") / 1000.0 / n,
                    cpuAfter.threadsNamed(cpuBefore, RelayLoad.CALLBACK_THREADS) / 1000.0 / n,
                    (cpuAfter.threadsNamed(cpuBefore, "ccp-client-worker")
                            + cpuAfter.threadsNamed(cpuBefore, "ccp-client-timer")) / 1000.0 / n,
                    usage.unattributed() / 1000.0 / n, usage.jitMillis(), usage.gcMillis()));
            Map<String, Long> refused = new TreeMap<>();
            refusals.forEach((k, v) -> refused.put(k, v.sum()));
            return new Result(ackLatency.count(), (end - start) / 1e9, ackLatency.quantileMillis(0.5),
                    ackLatency.quantileMillis(0.99), deliveryLatency.count(), deliveryLatency.quantileMillis(0.5),
                    deliveryLatency.quantileMillis(0.99), refused, refusedInWindow.sum(), errors.sum(),
                    failures.get(), lastFailure, ackedTotal.sum(), deliveredTotal.sum(), duplicates.sum(),
                    lostInFlight.get(), rowsAtEnd, 2 * senders,
                    usage, dbBefore == null || dbAfter == null ? null : dbAfter.minus(dbBefore),
                    hostAfter.minus(hostBefore), nodeBefore < 0 || nodeAfter < 0 ? -1 : nodeAfter - nodeBefore);
        } finally {
            stopping = true;
            for (Device d : sendersList) {
                d.closeClient();
            }
            for (Device d : recipients) {
                d.closeClient();
            }
            if (monitor != null) {
                monitor.close();
            }
        }
    }

    /** Envelopes in the node's inbox now: every acked Msg of an offline recipient is one. */
    private long countInbox() {
        try (Connection c = DriverManager.getConnection(inboxUrl); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT count(*) FROM inbox")) {
            r.next();
            return r.getLong(1);
        } catch (SQLException e) {
            RelayLoad.progress("warning: cannot count the inbox: " + e.getMessage());
            return -1;
        }
    }

    private void awaitAll(List<? extends CompletableFuture<?>> futures, String what) throws Exception {
        try {
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                    .get(RelayLoad.SETUP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(what + ": not done after " + RelayLoad.SETUP_TIMEOUT_SECONDS + " s", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(what + " failed: " + e.getCause(), e.getCause());
        }
    }

    void failure(String what) {
        failures.incrementAndGet();
        lastFailure = what;
    }

    /**
     * One device: its client, its session, and (a sender) its window of Msgs in flight. The
     * SDK calls the listener hooks one at a time on the callback pool; a sender's next Msg
     * goes out from the callback that completed an earlier one.
     */
    final class Device implements SessionListener {
        final CcpClient client;
        final long channel;
        final boolean sender;
        volatile CcpSession session;
        volatile String deviceId;
        volatile boolean stopping;
        // Guarded by this:
        private final byte[] scratch = payload.clone();
        private int inFlight;
        private long sent;
        private boolean dead;
        /** A recipient's: the numbers of the Msgs it received (one sender per channel); listener calls only. */
        private final java.util.Set<Long> received = new java.util.HashSet<>();

        Device(long channel, boolean sender) {
            this.channel = channel;
            this.sender = sender;
            this.client = CcpClient.builder(server).trust(trust).identityStore(IdentityStore.inMemory())
                    .resources(resources).callbackExecutor(callbacks).build();
        }

        /** Registers a new device under a user named {@code handle}, then connects its session. */
        CompletableFuture<?> start(String handle) {
            return client.register(handle).thenCompose(enrolment -> {
                deviceId = enrolment.deviceId();
                return client.connect(this);
            }).thenAccept(s -> session = s);
        }

        CompletableFuture<Void> join(List<String> members) {
            return session.join(channel, members);
        }

        void closeClient() {
            stopping = true;
            client.close();
        }

        /** Sends until the window is full; called from any thread. */
        void fill() {
            while (true) {
                long queued;
                CompletableFuture<Void> acked;
                synchronized (this) {
                    if (RelayDevices.this.stopping || dead || inFlight >= window) {
                        return;
                    }
                    long number = ++sent;
                    byte[] body = payload;
                    if (online && size >= 2 * Long.BYTES) {
                        // The send time and the Msg's number travel in the payload: the recipient measures
                        // delivery latency and notices a Msg delivered twice. send() copies the bytes.
                        ByteBuffer.wrap(scratch).putLong(0, System.nanoTime()).putLong(Long.BYTES, number);
                        body = scratch;
                    }
                    long target = channel;
                    if (foreignEvery > 0 && number % foreignEvery == 0) {
                        // Not this device's channel.
                        target = channel == firstChannel + senders - 1 ? firstChannel : channel + 1;
                    }
                    inFlight++;
                    outstanding.incrementAndGet();
                    queued = System.nanoTime();
                    acked = session.send(target, body);
                }
                acked.whenComplete((ok, error) -> answered(queued, error));
            }
        }

        private void answered(long queued, Throwable error) {
            synchronized (this) {
                inFlight--;
            }
            outstanding.decrementAndGet();
            if (error == null) {
                ackedTotal.increment();
                ackLatency.success(System.nanoTime() - queued);
                fill();
                return;
            }
            Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            if (cause instanceof CcpException refusal && refusal.kind() == CcpException.Kind.REFUSED) {
                // A refusal: the Msg was not accepted. Counted; its slot is used again shortly.
                refusals.computeIfAbsent(refusal.title().orElse("?"), k -> new LongAdder()).increment();
                if (windowOpen) {
                    refusedInWindow.increment();
                }
                CompletableFuture.delayedExecutor(RelayLoad.REFUSAL_BACKOFF_MILLIS, TimeUnit.MILLISECONDS, callbacks)
                        .execute(this::fill);
                return;
            }
            // The session ended (the SDK resends across reconnects, so only its end loses a Msg).
            lostInFlight.incrementAndGet();
            synchronized (this) {
                if (dead) {
                    return;
                }
                dead = true;
            }
            if (!stopping && !RelayDevices.this.stopping) {
                failure("send failed: " + cause);
            }
        }

        @Override
        public void onMessage(IncomingMessage message) {
            if (sender) {
                return;
            }
            deliveredTotal.increment();
            if (online && size >= 2 * Long.BYTES) {
                ByteBuffer head = ByteBuffer.wrap(message.payload());
                if (head.remaining() >= 2 * Long.BYTES) {
                    if (received.add(head.getLong(Long.BYTES))) {
                        deliveryLatency.success(System.nanoTime() - head.getLong(0));
                    } else {
                        duplicates.increment(); // at-least-once: the same Msg again (the SDK let it through)
                    }
                }
            }
            // Returning acknowledges the delivery (§4.4), which deletes its envelope.
        }

        @Override
        public void onFrame(Frame frame) {
            if (frame.type() == FrameType.ERROR) {
                // Requests' refusals complete their futures; this is an Error about the session.
                errors.increment();
                refusals.computeIfAbsent(frame.control().json().path("error").asText("?") + " (no matching ack)",
                        k -> new LongAdder()).increment();
            }
        }

        @Override
        public void onStateChanged(SessionState state, CcpException cause) {
            if (state == SessionState.RECONNECTING && !stopping && !RelayDevices.this.stopping) {
                failure("session of " + deviceId + " lost its link: " + cause.getMessage());
            }
        }

        @Override
        public void onClosed(CcpException failure) {
            if (failure != null && !stopping && !RelayDevices.this.stopping) {
                failure("session of " + deviceId + " ended: " + failure.getMessage());
            }
        }
    }
}
