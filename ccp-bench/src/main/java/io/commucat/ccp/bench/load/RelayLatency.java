package io.commucat.ccp.bench.load;

import io.commucat.ccp.client.CcpClient;
import io.commucat.ccp.client.CcpException;
import io.commucat.ccp.client.CcpSession;
import io.commucat.ccp.client.ClientResources;
import io.commucat.ccp.client.IdentityStore;
import io.commucat.ccp.client.IncomingMessage;
import io.commucat.ccp.client.SessionListener;
import io.commucat.ccp.client.Trust;
import io.commucat.ccp.crypto.Hex;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Send → delivery latency of durable {@code Msg}s at fixed open-loop offered rates (issue #19 §2),
 * the node(s) in child JVMs ({@link LoadNodeProcess}) on PostgreSQL in a fresh schema, and with
 * {@code --nodes 2} on Redis too: senders on node A, their recipients on node B.
 *
 * <p>{@code P} pairs, each a channel of a sender and an online recipient. For each rate of
 * {@code --rates}, one scheduler thread issues Msg {@code k} at {@code t0 + k / rate} on sender
 * {@code k mod P}, whatever the Acks do (open loop); the payload carries that scheduled time, so
 * the latency the recipient records counts any wait behind earlier Msgs (no coordinated
 * omission). Before the nodes start, the same rates are offered to plain JDBC committing one row
 * per Msg ({@link CommitLatencyReference}): the database's own floor beside the relay's figures.
 * Per step: offered, acked and delivered rates in the measured window, the backlog
 * (sent − delivered, and rows in the inbox) at its start and end, and latency quantiles of the
 * Msgs scheduled in the window. Nothing is acknowledged lost (checked at the end) or delivered
 * twice (counted).
 *
 * <pre>
 * java -cp ccp-bench/target/benchmarks.jar io.commucat.ccp.bench.load.RelayLatency --rates 1000,2000,5000
 * </pre>
 */
@Command(name = "relay-latency", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Open-loop send→delivery latency of durable Msgs at fixed offered rates, node(s) in child JVMs"
                + " (markdown on stdout).")
public final class RelayLatency implements Callable<Integer> {

    static final String CALLBACK_THREADS = "latency-callback";
    static final String DEFAULT_REDIS = "redis://127.0.0.1:6379";
    /** Payload header: scheduled nanoTime, step, number within the sender. */
    static final int HEADER = 3 * Long.BYTES;
    /** The drain ends when no Msg was delivered for this long. */
    static final int DRAIN_IDLE_SECONDS = 20;

    @Option(names = "--rates", split = ",", defaultValue = "1000,2000,5000",
            description = "Offered Msgs/s, one measured step each, in this order (default: ${DEFAULT-VALUE}).")
    List<Integer> rates;

    @Option(names = "--pairs", defaultValue = "64", description = "Sender/recipient pairs, a channel each (default: ${DEFAULT-VALUE}).")
    int pairs;

    @Option(names = "--seconds", defaultValue = "10", description = "Measured seconds per rate (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--warmup", defaultValue = "3", description = "Unmeasured seconds at each rate first (default: ${DEFAULT-VALUE}).")
    int warmupSeconds;

    @Option(names = "--first-warmup", defaultValue = "20",
            description = "Unmeasured seconds before the first step, for the JIT (default: ${DEFAULT-VALUE}).")
    int firstWarmupSeconds;

    @Option(names = "--first-warmup-rate", defaultValue = "0", description = "Msgs/s of the first warm-up; 0: the"
            + " first step's. A rate near the node's sustainable one lets the JIT finish before a gentle first step"
            + " is measured; one past it leaves a backlog every step then inherits (default: ${DEFAULT-VALUE}).")
    int firstWarmupRate;

    @Option(names = "--size", defaultValue = "1024", description = "Msg payload bytes, at least 24 (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--nodes", defaultValue = "1", description = "1: one node; 2: senders on A, recipients on B (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--postgres-url", defaultValue = RelayLoad.DEFAULT_POSTGRES, description = "PostgreSQL (default: ${DEFAULT-VALUE}).")
    String postgresUrl;

    @Option(names = "--redis-url", defaultValue = DEFAULT_REDIS, description = "Redis, with --nodes 2 (default: ${DEFAULT-VALUE}).")
    String redisUrl;

    @Option(names = "--node-jvm", defaultValue = "-Xms1g -Xmx1g",
            description = "The nodes' JVM options, space-separated (default: ${DEFAULT-VALUE}); %n is the node's name.")
    String nodeJvm;

    @Option(names = "--max-in-flight", defaultValue = "20000",
            description = "Unacked Msgs per sender beyond which the scheduler skips a Msg (counted; default: ${DEFAULT-VALUE}).")
    int maxInFlight;

    @Option(names = "--client-threads", defaultValue = "2", description = "Devices' I/O threads (default: ${DEFAULT-VALUE}).")
    int clientThreads;

    @Option(names = "--callback-threads", defaultValue = "2", description = "Devices' callback pool (default: ${DEFAULT-VALUE}).")
    int callbackThreads;

    @Option(names = "--reference-connections", defaultValue = "8",
            description = "Before the nodes start, the floor at each rate: plain JDBC committing one row per Msg, open"
                    + " loop, from this many connections (default: ${DEFAULT-VALUE}; 0 skips it).")
    int referenceConnections;

    @Option(names = "--set", description = "More node settings as CCP_* environment variables.")
    Map<String, String> settings = new HashMap<>();

    private static String[] arguments = new String[0];

    public static void main(String[] args) {
        arguments = args.clone();
        System.exit(new CommandLine(new RelayLatency()).execute(args));
    }

    /** One measured step: its counters and the latencies of the Msgs it scheduled in its window. */
    static final class Step {
        final int index;
        final int rate;
        final LatencyRecorder latency = new LatencyRecorder();
        final LongAdder scheduledInWindow = new LongAdder();
        final LongAdder skipped = new LongAdder();
        volatile long windowStart;
        volatile long windowEnd = Long.MAX_VALUE;
        long ackedInWindow;
        long deliveredInWindow;
        long backlogStart;
        long backlogEnd;
        long inboxStart;
        long inboxEnd;
        double seconds;
        long nodeCpuNanos;

        Step(int index, int rate) {
            this.index = index;
            this.rate = rate;
            latency.open(); // what is recorded is chosen by scheduled time (inWindow), not by arrival
        }

        boolean inWindow(long scheduled) {
            return scheduled >= windowStart && scheduled < windowEnd;
        }
    }

    private final LongAdder sent = new LongAdder();
    private final LongAdder acked = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final Map<String, LongAdder> refusals = new ConcurrentHashMap<>();
    private final AtomicLong failures = new AtomicLong();
    private volatile String lastFailure;
    private final List<Step> steps = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<CommitLatencyReference.Result> references = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (rates.isEmpty() || rates.stream().anyMatch(r -> r < 1) || pairs < 1 || seconds < 1 || size < HEADER
                || (nodes != 1 && nodes != 2) || maxInFlight < 1 || referenceConnections < 0 || firstWarmupRate < 0
                || firstWarmupSeconds < 0) {
            System.err.println("relay-latency: rates and counts must be positive, --size at least " + HEADER
                    + ", --nodes 1 or 2");
            return 2;
        }
        String loadBefore = RunInfo.loadAverage();
        SecureRandom random = new SecureRandom();
        RelayLoad.Postgres pg = new RelayLoad.Postgres(postgresUrl, "ccp_latency_" + Hex.encode(RelayLoad.bytes(random, 6)));
        RelayLoad.Cleanup cleanup = new RelayLoad.Cleanup();
        cleanup.postgres = pg;
        Thread hook = new Thread(cleanup::run, "relay-latency-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        pg.createSchema();
        Map<String, String> env = new HashMap<>();
        env.put("CCP_STORAGE_POSTGRES_DSN", pg.dsn());
        env.put("CCP_CRYPTO_SECRETS_KEY", Hex.encode(RelayLoad.bytes(random, 32)));
        if (nodes == 2) {
            env.put("CCP_STORAGE_REDIS_URL", redisUrl);
        }
        env.putAll(settings);
        if (referenceConnections > 0) {
            CommitLatencyReference reference = new CommitLatencyReference(pg.dsn(), referenceConnections, size);
            reference.create();
            for (int rate : rates) {
                RelayLoad.progress(String.format(Locale.ROOT, "reference: one commit per Msg at %d/s, %d connections,"
                        + " %d s warm-up, %d s measured", rate, referenceConnections, warmupSeconds, seconds));
                references.add(reference.run(rate, warmupSeconds, seconds));
            }
            reference.drop();
        }
        ClientResources resources = ClientResources.create(clientThreads);
        ExecutorService callbacks = Executors.newFixedThreadPool(callbackThreads,
                new DefaultThreadFactory(CALLBACK_THREADS, true));
        List<LoadNodeProcess> started = new ArrayList<>();
        List<Pair> all = new ArrayList<>();
        String database = pg.describe();
        Undelivered undelivered;
        long inboxAtEnd;
        try {
            LoadNodeProcess a = LoadNodeProcess.start("A", jvm("A"), env);
            started.add(a);
            LoadNodeProcess b = a;
            if (nodes == 2) {
                b = LoadNodeProcess.start("B", jvm("B"), env);
                started.add(b);
            }
            String run = Hex.encode(RelayLoad.bytes(random, 4));
            long firstChannel = 1 + random.nextInt(Integer.MAX_VALUE - pairs);
            for (int i = 0; i < pairs; i++) {
                all.add(new Pair(firstChannel + i, a, b, resources, callbacks));
            }
            RelayLoad.progress("registering " + pairs + " senders" + (nodes == 2 ? " on A" : "") + " and " + pairs
                    + " recipients" + (nodes == 2 ? " on B" : ""));
            for (int from = 0; from < pairs; from += 8) {
                List<CompletableFuture<?>> chunk = new ArrayList<>();
                for (int i = from; i < Math.min(pairs, from + 8); i++) {
                    chunk.add(all.get(i).start("lat-" + run + "-" + i));
                }
                await(chunk, "bootstrap");
            }
            List<CompletableFuture<?>> joins = new ArrayList<>();
            all.forEach(p -> joins.add(p.sender.session.join(p.channel, List.of(p.recipient.deviceId))));
            await(joins, "sender Join");
            joins.clear();
            all.forEach(p -> joins.add(p.recipient.session.join(p.channel, List.of())));
            await(joins, "recipient Join");

            try (Connection monitor = java.sql.DriverManager.getConnection(pg.dsn())) {
                Scheduler scheduler = new Scheduler(all);
                if (firstWarmupSeconds > 0) {
                    // At a low rate the JIT compiles the hot path for minutes, on the cores the
                    // node's loops need: warmed at a higher rate, the first step measures the
                    // node rather than its compiler.
                    int rate = firstWarmupRate > 0 ? firstWarmupRate : rates.get(0);
                    RelayLoad.progress(String.format(Locale.ROOT, "warm-up: %d s at %d Msgs/s", firstWarmupSeconds,
                            rate));
                    scheduler.run(new Step(-1, rate), firstWarmupSeconds, 0, monitor, started);
                }
                for (int i = 0; i < rates.size(); i++) {
                    Step step = new Step(i, rates.get(i));
                    steps.add(step);
                    RelayLoad.progress(String.format(Locale.ROOT, "%d Msgs/s: %d s warm-up, %d s measured", step.rate,
                            warmupSeconds, seconds));
                    scheduler.run(step, warmupSeconds, seconds, monitor, started);
                }
            }
            // Drain: the Acks and deliveries of the last Msgs.
            long last = -1;
            long progressed = System.nanoTime();
            while (delivered.sum() < sent.sum() && System.nanoTime() - progressed < TimeUnit.SECONDS.toNanos(DRAIN_IDLE_SECONDS)) {
                Thread.sleep(100);
                if (delivered.sum() != last) {
                    last = delivered.sum();
                    progressed = System.nanoTime();
                }
            }
            try (Connection c = java.sql.DriverManager.getConnection(pg.dsn())) {
                undelivered = undelivered(all, c);
                inboxAtEnd = countInbox(c);
            }
        } finally {
            for (Pair p : all) {
                p.close();
            }
            for (LoadNodeProcess n : started) {
                n.close();
            }
            resources.close();
            callbacks.shutdownNow();
            cleanup.run();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // Shutting down.
            }
        }
        System.out.println(report(loadBefore, database, undelivered, inboxAtEnd));
        return failures.get() == 0 && undelivered.lost() == 0 ? 0 : 1;
    }

    private List<String> jvm(String name) {
        List<String> options = new ArrayList<>();
        for (String o : nodeJvm.trim().split("\\s+")) {
            if (!o.isEmpty()) {
                options.add(o.replace("%n", name));
            }
        }
        return options;
    }

    /** Acked Msgs that their recipient did not receive: still queued in the inbox, or lost (neither). */
    record Undelivered(long queued, long lost) {
    }

    private Undelivered undelivered(List<Pair> all, Connection c) throws SQLException {
        Map<Long, Set<Long>> inInbox = new HashMap<>();
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT channel_id, payload FROM inbox")) {
            while (r.next()) {
                byte[] payload = r.getBytes(2);
                if (payload.length >= HEADER) {
                    inInbox.computeIfAbsent(r.getLong(1), k -> new HashSet<>())
                            .add(ByteBuffer.wrap(payload).getLong(2 * Long.BYTES));
                }
            }
        }
        long queued = 0;
        long lost = 0;
        for (Pair p : all) {
            Set<Long> got = p.recipient.received();
            Set<Long> waiting = inInbox.getOrDefault(p.channel, Set.of());
            for (long n : p.sender.ackedNumbers()) {
                if (!got.contains(n)) {
                    if (waiting.contains(n)) {
                        queued++;
                    } else {
                        lost++;
                    }
                }
            }
        }
        return new Undelivered(queued, lost);
    }

    static long countInbox(Connection c) {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM inbox")) {
            r.next();
            return r.getLong(1);
        } catch (SQLException e) {
            return -1;
        }
    }

    private static void await(List<? extends CompletableFuture<?>> futures, String what) throws Exception {
        try {
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                    .get(RelayLoad.SETUP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(what + " failed: " + e.getCause(), e.getCause());
        }
    }

    /** Issues Msgs at the step's rate from one thread, in bursts of what is due every 0.5 ms. */
    final class Scheduler {
        private final List<Pair> all;
        private long next;

        Scheduler(List<Pair> all) {
            this.all = all;
        }

        void run(Step step, int warmSeconds, int measuredSeconds, Connection monitor, List<LoadNodeProcess> nodesUp) {
            long interval = 1_000_000_000L / step.rate;
            long t0 = System.nanoTime();
            long warmEnd = t0 + TimeUnit.SECONDS.toNanos(warmSeconds);
            long end = warmEnd + TimeUnit.SECONDS.toNanos(measuredSeconds);
            step.windowStart = warmEnd;
            step.windowEnd = end;
            boolean open = false;
            long ackedBefore = 0;
            long deliveredBefore = 0;
            long cpuBefore = 0;
            long k = 0;
            while (true) {
                long now = System.nanoTime();
                if (!open && now >= warmEnd) {
                    open = true;
                    ackedBefore = acked.sum();
                    deliveredBefore = delivered.sum();
                    step.backlogStart = sent.sum() - deliveredBefore;
                    step.inboxStart = countInbox(monitor);
                    cpuBefore = nodesUp.stream().mapToLong(LoadNodeProcess::cpuNanos).sum();
                }
                if (now >= end) {
                    break;
                }
                long due = (now - t0) / interval + 1;
                for (; k < due; k++) {
                    long scheduled = t0 + k * interval;
                    Pair pair = all.get((int) (next++ % all.size()));
                    pair.sender.send(pair.channel, step, scheduled);
                }
                LockSupport.parkNanos(500_000);
            }
            step.seconds = (System.nanoTime() - warmEnd) / 1e9;
            step.ackedInWindow = acked.sum() - ackedBefore;
            step.deliveredInWindow = delivered.sum() - deliveredBefore;
            step.backlogEnd = sent.sum() - delivered.sum();
            step.inboxEnd = countInbox(monitor);
            step.nodeCpuNanos = nodesUp.stream().mapToLong(LoadNodeProcess::cpuNanos).sum() - cpuBefore;
        }
    }

    /** A sender on node A and a recipient on node B sharing a channel. */
    final class Pair {
        final long channel;
        final Sender sender;
        final Recipient recipient;

        Pair(long channel, LoadNodeProcess a, LoadNodeProcess b, ClientResources resources, ExecutorService callbacks) {
            this.channel = channel;
            this.sender = new Sender(client(a, resources, callbacks));
            this.recipient = new Recipient(client(b, resources, callbacks));
        }

        private CcpClient client(LoadNodeProcess node, ClientResources resources, ExecutorService callbacks) {
            return CcpClient.builder(node.url()).trust(Trust.certificates(node.devCa()))
                    .identityStore(IdentityStore.inMemory()).resources(resources).callbackExecutor(callbacks).build();
        }

        CompletableFuture<?> start(String handle) {
            return CompletableFuture.allOf(sender.start(handle + "s"), recipient.start(handle + "r"));
        }

        void close() {
            sender.client.close();
            recipient.client.close();
        }
    }

    /** A device's client and session; the listener's hooks run one at a time on the callback pool. */
    abstract class Device implements SessionListener {
        final CcpClient client;
        volatile CcpSession session;
        volatile String deviceId;
        volatile boolean closing;

        Device(CcpClient client) {
            this.client = client;
        }

        CompletableFuture<?> start(String handle) {
            return client.register(handle).thenCompose(e -> {
                deviceId = e.deviceId();
                return client.connect(this);
            }).thenAccept(s -> session = s);
        }

        @Override
        public void onClosed(CcpException failure) {
            if (failure != null && !closing) {
                failures.incrementAndGet();
                lastFailure = "session of " + deviceId + " ended: " + failure.getMessage();
            }
        }
    }

    final class Sender extends Device {
        private final byte[] scratch = new byte[size];
        private long number;
        private int inFlight;
        /** Numbers of this sender's acked Msgs; guarded by this. */
        private final List<Long> ackedNumbers = new ArrayList<>();

        Sender(CcpClient client) {
            super(client);
        }

        /** Called by the scheduler thread only. */
        void send(long channel, Step step, long scheduled) {
            long n;
            synchronized (this) {
                if (inFlight >= maxInFlight) {
                    step.skipped.increment();
                    return;
                }
                inFlight++;
                n = ++number;
            }
            ByteBuffer.wrap(scratch).putLong(0, scheduled).putLong(Long.BYTES, step.index)
                    .putLong(2 * Long.BYTES, n);
            if (step.inWindow(scheduled)) {
                step.scheduledInWindow.increment();
            }
            sent.increment();
            session.send(channel, scratch).whenComplete((ok, error) -> answered(n, error)); // send() copies
        }

        private void answered(long n, Throwable error) {
            synchronized (this) {
                inFlight--;
                if (error == null) {
                    ackedNumbers.add(n);
                }
            }
            if (error == null) {
                acked.increment();
                return;
            }
            Throwable cause = error.getCause() != null ? error.getCause() : error;
            String title = cause instanceof CcpException c && c.kind() == CcpException.Kind.REFUSED
                    ? c.title().orElse("?") : cause.getClass().getSimpleName();
            refusals.computeIfAbsent(title, t -> new LongAdder()).increment();
            sent.decrement(); // not accepted: never delivered, not part of the backlog
        }

        synchronized List<Long> ackedNumbers() {
            return new ArrayList<>(ackedNumbers);
        }

        @Override
        public void onMessage(IncomingMessage message) {
            // Senders receive nothing in this run.
        }
    }

    final class Recipient extends Device {
        /** Guarded by this (the listener's calls are serial, the final check reads it). */
        private final Set<Long> received = new HashSet<>();

        Recipient(CcpClient client) {
            super(client);
        }

        @Override
        public void onMessage(IncomingMessage message) {
            long now = System.nanoTime();
            ByteBuffer head = ByteBuffer.wrap(message.payload());
            long scheduled = head.getLong(0);
            int stepIndex = (int) head.getLong(Long.BYTES);
            long n = head.getLong(2 * Long.BYTES);
            boolean first;
            synchronized (this) {
                first = received.add(n);
            }
            if (!first) {
                duplicates.increment();
                return;
            }
            delivered.increment();
            Step step = stepIndex >= 0 && stepIndex < steps.size() ? steps.get(stepIndex) : null;
            if (step != null && step.inWindow(scheduled)) {
                step.latency.success(now - scheduled);
            }
        }

        synchronized Set<Long> received() {
            return new HashSet<>(received);
        }
    }

    private String report(String loadBefore, String database, Undelivered undelivered, long inboxAtEnd) {
        StringBuilder out = new StringBuilder();
        out.append("## relay-latency\n\n");
        out.append("- command: `").append(RunInfo.commandLine(RelayLatency.class, arguments)).append("`\n");
        out.append("- machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, JDK ")
                .append(Runtime.version()).append("; load average ").append(loadBefore).append(" → ")
                .append(RunInfo.loadAverage()).append('\n');
        out.append("- ").append(database).append("; ").append(nodes == 2
                ? "two nodes (child JVMs) on one PostgreSQL and one Redis, senders on A, recipients on B"
                : "one node (child JVM)").append("; ").append(pairs).append(" pairs, ").append(size)
                .append("-byte Msgs\n\n");
        out.append("| offered Msgs/s | scheduled in window | skipped | acked/s | delivered/s | delivered ÷ acked"
                + " | backlog start → end (sent − delivered) | inbox rows start → end | p50 ms | p99 ms | p99.9 ms"
                + " | max ms | node CPU µs per Msg |\n");
        out.append("|---:|---:|---:|---:|---:|---:|---|---|---:|---:|---:|---:|---:|\n");
        for (Step s : steps) {
            double ackedRate = s.ackedInWindow / s.seconds;
            double deliveredRate = s.deliveredInWindow / s.seconds;
            out.append(String.format(Locale.ROOT,
                    "| %d | %d | %d | %.0f | %.0f | %.2f | %d → %d | %d → %d | %.1f | %.1f | %.1f | %.1f | %.1f |\n",
                    s.rate, s.scheduledInWindow.sum(), s.skipped.sum(), ackedRate, deliveredRate,
                    deliveredRate / Math.max(1, ackedRate), s.backlogStart, s.backlogEnd, s.inboxStart, s.inboxEnd,
                    s.latency.quantileMillis(0.5), s.latency.quantileMillis(0.99), s.latency.quantileMillis(0.999),
                    s.latency.quantileMillis(1.0), s.nodeCpuNanos / 1e3 / Math.max(1, s.ackedInWindow)));
        }
        if (!references.isEmpty()) {
            out.append(String.format(Locale.ROOT, "%nThe floor, measured in the same run before the nodes started:"
                    + " plain JDBC committing each Msg as one auto-commit INSERT of the same row shape, open loop at the"
                    + " same rates from %d connections (latency from each commit's scheduled time):%n%n",
                    referenceConnections));
            out.append("| offered commits/s | commits in window | failures | p50 ms | p99 ms | p99.9 ms | max ms"
                    + " | relay p99 ÷ commit p99 |\n");
            out.append("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (int i = 0; i < references.size(); i++) {
                CommitLatencyReference.Result r = references.get(i);
                double relayP99 = i < steps.size() ? steps.get(i).latency.quantileMillis(0.99) : Double.NaN;
                out.append(String.format(Locale.ROOT, "| %d | %d | %d | %.1f | %.1f | %.1f | %.1f | %.1f |%n", r.rate(),
                        r.commits(), r.failures(), r.p50Millis(), r.p99Millis(), r.p999Millis(), r.maxMillis(),
                        relayP99 / r.p99Millis()));
            }
        }
        Map<String, Long> refused = new java.util.TreeMap<>();
        refusals.forEach((k, v) -> refused.put(k, v.sum()));
        out.append(String.format(Locale.ROOT, "%nTotal: sent %d, acked %d, delivered %d, lost %d (acked, never"
                + " delivered, not in the inbox), undelivered but queued %d (acked, still in the inbox %d s after the"
                + " last delivery), delivered twice %d; inbox rows at the end %d; refusals %s; session failures %d%s%n",
                sent.sum(), acked.sum(), delivered.sum(), undelivered.lost(), undelivered.queued(), DRAIN_IDLE_SECONDS,
                duplicates.sum(), inboxAtEnd, refused.isEmpty() ? "none" : refused,
                failures.get(), lastFailure == null ? "" : " (last: " + lastFailure + ")"));
        return out.toString();
    }

}
