package io.commucat.ccp.bench.load;

import io.commucat.ccp.client.CcpClient;
import io.commucat.ccp.client.CcpSession;
import io.commucat.ccp.client.ClientResources;
import io.commucat.ccp.client.SessionListener;
import io.commucat.ccp.client.Trust;
import io.commucat.ccp.crypto.Hex;
import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.server.storage.jdbc.JdbcSettings;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Durable relay throughput of one node (design target: 50 000 durable 1 KiB messages/s per node
 * with PostgreSQL). Starts a node in-process (PostgreSQL in a fresh schema, or the embedded H2
 * default), registers {@code P} sender devices, each with a channel of its own whose other member
 * is a recipient device, and has every sender keep {@code W} {@code Msg} frames in flight: a new
 * one goes out when the server's {@code Ack {"ack": seq}} for an earlier one arrives. The server
 * Acks a Msg only after its inbox envelope committed, so acked Msgs/s are durable Msgs/s.
 *
 * <p>The devices are the SDK's: each a {@link CcpClient} with its identity in memory and a
 * connection of its own, all on one {@link ClientResources} and one small callback pool; a
 * sender keeps its window with {@link CcpSession#send} (completing on the server's Ack), a
 * recipient counts deliveries in its {@link SessionListener}, which acknowledges each on return.
 *
 * <p>By default the recipients joined once and disconnected (every Msg is one inbox row: the
 * durable write path alone); with {@code --online} they stay connected and acknowledge each
 * delivery, which deletes its envelope (the full relay path).
 *
 * <p>Before the node starts, the same run measures a reference in the same database: plain JDBC
 * inserting the same rows into a copy of the {@code inbox} table, in batched INSERTs of 256 rows
 * per transaction from 8 threads. The report (markdown on stdout) sets the server's rate beside it.
 *
 * <pre>
 * java -Xms1g -Xmx1g -cp ccp-bench/target/benchmarks.jar io.commucat.ccp.bench.load.RelayLoad [options]
 * </pre>
 */
@Command(name = "relay-load", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Durable Msgs per second through one node, against plain JDBC inserts of the same rows"
                + " (markdown on stdout).")
public final class RelayLoad implements Callable<Integer> {

    /** The devices' callback pool (the SDK's own threads are {@code ccp-client-*}). */
    static final String CALLBACK_THREADS = "relay-callback";
    static final String DEFAULT_POSTGRES = "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres";
    /** The reference's copy of the server's {@code inbox} (V2__channels_inbox.sql), renamed. */
    static final String REFERENCE_TABLE = "reference_inbox";
    /** How long a refused Msg's slot waits before the sender uses it again. */
    static final long REFUSAL_BACKOFF_MILLIS = 10;
    static final long SETUP_TIMEOUT_SECONDS = 120; // generous: a shared machine at load 30+ takes this long

    @Option(names = "--postgres", description = "PostgreSQL in a fresh schema, dropped at the end (the default).")
    boolean postgres;

    @Option(names = "--embedded", description = "The embedded default instead: an H2 file in a temporary data directory.")
    boolean embedded;

    @Option(names = "--postgres-url", defaultValue = DEFAULT_POSTGRES,
            description = "Where PostgreSQL is (default: ${DEFAULT-VALUE}); the schema is added as currentSchema.")
    String postgresUrl;

    @Option(names = "--senders", defaultValue = "64", description = "Sender devices, one channel each (default: ${DEFAULT-VALUE}).")
    int senders;

    @Option(names = "--window", defaultValue = "32", description = "Unacked Msgs in flight per sender (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--seconds", defaultValue = "20", description = "Measured seconds (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--warmup", defaultValue = "5", description = "Seconds of unmeasured load first (default: ${DEFAULT-VALUE}).")
    int warmupSeconds;

    @Option(names = "--size", defaultValue = "1024", description = "Msg payload bytes (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--online", description = "Recipients stay connected and acknowledge every delivery (deletes the envelope).")
    boolean online;

    @Option(names = "--foreign-every", defaultValue = "0", description = "Robustness check: every N-th Msg of a sender"
            + " goes to another sender's channel, where the server refuses it (not_member); 0: never (the default).")
    int foreignEvery;

    @Option(names = "--streams-per-connection", defaultValue = "1",
            description = "Device sessions per HTTP/2 connection: only 1, since the devices are SDK clients and each"
                    + " holds a connection of its own (the hand-written devices before issue #17 shared 16).")
    int perConnection;

    @Option(names = "--client-threads", defaultValue = "2",
            description = "The devices' I/O threads, one ClientResources shared by all (default: ${DEFAULT-VALUE}).")
    int clientThreads;

    @Option(names = "--callback-threads", defaultValue = "2",
            description = "The devices' callback pool: futures and listeners (default: ${DEFAULT-VALUE}). 0 runs them"
                    + " on the I/O threads, against the SDK's rule, to measure what the hand-off to the pool costs.")
    int callbackThreads;

    @Option(names = "--reference-threads", defaultValue = "8",
            description = "Reference insert threads (default: ${DEFAULT-VALUE}).")
    int referenceThreads;

    @Option(names = "--reference-batch", defaultValue = "256",
            description = "Reference rows per transaction (default: ${DEFAULT-VALUE}).")
    int referenceBatch;

    @Option(names = "--reference-seconds", defaultValue = "5",
            description = "Measured seconds of the reference, after 2 s of warm-up (default: ${DEFAULT-VALUE}; 0 skips it).")
    int referenceSeconds;

    @Option(names = "--node-process", description = "The node in a child JVM (PostgreSQL only), so that the devices"
            + " do not share its process: its CPU is then the child's, from /proc.")
    boolean nodeProcess;

    @Option(names = "--node-jvm", defaultValue = "-Xms1g -Xmx1g",
            description = "With --node-process: the node's JVM options, space-separated (default: ${DEFAULT-VALUE}).")
    String nodeJvm;

    @Option(names = "--set", description = "More node settings as CCP_* environment variables, e.g. --set CCP_LIMITS_RELAY_TTL=3600")
    Map<String, String> settings = new HashMap<>();

    private static String[] arguments = new String[0];

    public static void main(String[] args) {
        arguments = args.clone();
        System.exit(new CommandLine(new RelayLoad()).execute(args));
    }

    boolean usePostgres() {
        return !embedded;
    }

    @Override
    public Integer call() throws Exception {
        if (postgres && embedded) {
            System.err.println("relay-load: --postgres and --embedded exclude each other");
            return 2;
        }
        if (nodeProcess && embedded) {
            System.err.println("relay-load: --node-process needs PostgreSQL (the child's H2 file is its own)");
            return 2;
        }
        if (perConnection != 1) {
            System.err.println("relay-load: --streams-per-connection must be 1: every device is a CcpClient with a"
                    + " connection of its own");
            return 2;
        }
        if (senders < 1 || window < 1 || seconds < 1 || warmupSeconds < 0 || size < 0
                || clientThreads < 1 || callbackThreads < 0 || referenceThreads < 1 || referenceBatch < 1
                || referenceSeconds < 0
                || foreignEvery < 0 || (foreignEvery > 0 && senders < 2)) {
            System.err.println("relay-load: counts must be positive (and --foreign-every needs two senders)");
            return 2;
        }
        String loadBefore = RunInfo.loadAverage();
        SecureRandom random = new SecureRandom();
        byte[] payload = new byte[size];
        random.nextBytes(payload);

        Cleanup cleanup = new Cleanup();
        Thread hook = new Thread(cleanup::run, "relay-load-cleanup");
        Runtime.getRuntime().addShutdownHook(hook); // Ctrl-C still drops the schema
        ClientResources clientResources = ClientResources.create(clientThreads);
        ExecutorService callbacks = callbackThreads == 0 ? new DirectExecutor()
                : Executors.newFixedThreadPool(callbackThreads, new DefaultThreadFactory(CALLBACK_THREADS, true));
        Reference.Result reference = null;
        RelayDevices.Result result;
        String database;
        try {
            Map<String, String> overrides = new HashMap<>();
            String referenceUrl;
            Postgres pg = null;
            if (usePostgres()) {
                String schema = "ccp_load_" + Hex.encode(bytes(random, 6));
                pg = new Postgres(postgresUrl, schema);
                cleanup.postgres = pg;
                pg.createSchema();
                database = pg.describe();
                overrides.put("CCP_STORAGE_POSTGRES_DSN", pg.dsn());
                overrides.put("CCP_CRYPTO_SECRETS_KEY", Hex.encode(bytes(random, 32)));
                referenceUrl = pg.dsn();
            } else {
                Path dir = Files.createTempDirectory("ccp-relay-reference-");
                cleanup.referenceDir = dir;
                referenceUrl = JdbcSettings.h2File(dir.resolve("reference")).jdbcUrl();
                database = "H2 (embedded file, the node's default settings)";
            }
            overrides.putAll(settings);

            if (referenceSeconds > 0) {
                progress(String.format(Locale.ROOT, "reference: plain JDBC, %d threads, %d rows per transaction, %d s",
                        referenceThreads, referenceBatch, referenceSeconds));
                reference = new Reference(referenceUrl, pg, referenceThreads, referenceBatch, payload, senders)
                        .run(Duration.ofSeconds(2), Duration.ofSeconds(referenceSeconds));
                progress(String.format(Locale.ROOT, "  %.0f rows/s, %.0f commits/s%s", reference.rowsPerSecond(),
                        reference.commitsPerSecond(), reference.failure() == null ? "" : " (failure: " + reference.failure() + ")"));
            }

            progress("starting the node (" + (usePostgres() ? "PostgreSQL" : "H2") + ")"
                    + (nodeProcess ? " in a child JVM" : ""));
            if (nodeProcess) {
                List<String> jvm = new ArrayList<>(List.of(nodeJvm.trim().split("\\s+")));
                jvm.removeIf(String::isEmpty);
                try (LoadNodeProcess node = LoadNodeProcess.start("A", jvm, overrides)) {
                    RelayDevices load = new RelayDevices(this, node.url(), Trust.certificates(node.devCa()),
                            clientResources, callbacks, new CpuMeter(CALLBACK_THREADS), pg, pg.dsn(), payload,
                            node::cpuNanos);
                    result = load.run();
                }
            } else try (EmbeddedNode node = EmbeddedNode.start(overrides)) {
                String inboxUrl = usePostgres() ? pg.dsn() : JdbcSettings.h2File(node.data().embeddedDatabase()).jdbcUrl();
                RelayDevices load = new RelayDevices(this, URI.create("https://127.0.0.1:" + node.port()),
                        Trust.certificates(node.devCa()), clientResources, callbacks, new CpuMeter(CALLBACK_THREADS), pg,
                        inboxUrl, payload, () -> -1);
                result = load.run();
            }
        } finally {
            clientResources.close();
            callbacks.shutdownNow();
            cleanup.run();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // Already shutting down: the hook runs (and finds nothing left to do).
            }
        }
        RunInfo info = new RunInfo(RunInfo.commandLine(RelayLoad.class, arguments), loadBefore, RunInfo.loadAverage(),
                senders * window, result.connections(), clientThreads);
        System.out.println(new RelayReport(this, info, database, reference, result).markdown());
        if (result.acked() == 0) {
            System.err.println("[relay-load] no Msg was acked in the measurement window"
                    + (result.lastFailure() == null ? "" : " (last failure: " + result.lastFailure() + ")"));
            return 1;
        }
        return 0;
    }

    static byte[] bytes(SecureRandom random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** {@code --callback-threads 0}: every callback runs on the thread that completes it (an I/O thread). */
    static final class DirectExecutor extends java.util.concurrent.AbstractExecutorService {
        private volatile boolean shutDown;

        @Override
        public void execute(Runnable task) {
            task.run();
        }

        @Override
        public void shutdown() {
            shutDown = true;
        }

        @Override
        public List<Runnable> shutdownNow() {
            shutDown = true;
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return shutDown;
        }

        @Override
        public boolean isTerminated() {
            return shutDown;
        }

        @Override
        public boolean awaitTermination(long timeout, java.util.concurrent.TimeUnit unit) {
            return true;
        }
    }

    static void progress(String line) {
        System.err.println("[relay-load] " + line);
    }

    /** Drops the schema and deletes the reference's H2 directory, once (end of run or shutdown hook). */
    static final class Cleanup {
        volatile Postgres postgres;
        volatile Path referenceDir;
        private final AtomicBoolean done = new AtomicBoolean();

        void run() {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            if (postgres != null) {
                postgres.dropSchema();
            }
            if (referenceDir != null) {
                deleteTree(referenceDir);
            }
        }
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("[relay-load] could not delete " + dir + ": " + e.getMessage());
        }
    }

    // ---------------------------------------------------------------------------------------
    // PostgreSQL: the run's schema, and counters read from the statistics views and /proc

    /** The run's schema on the PostgreSQL server, and the statistics the report reads. */
    static final class Postgres {
        final String baseUrl;
        final String schema;

        Postgres(String baseUrl, String schema) {
            this.baseUrl = baseUrl;
            this.schema = schema;
        }

        String dsn() {
            return baseUrl + (baseUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        }

        Connection connect() throws SQLException {
            return DriverManager.getConnection(baseUrl);
        }

        void createSchema() throws SQLException {
            try (Connection c = connect(); Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA " + schema);
            } catch (SQLException e) {
                throw new SQLException("PostgreSQL is not reachable at " + baseUrl + " (" + e.getMessage()
                        + "); start it on 127.0.0.1:5432 (trust auth, user postgres), pass --postgres-url, or use --embedded", e);
            }
        }

        void dropSchema() {
            try (Connection c = connect(); Statement s = c.createStatement()) {
                s.execute("SET lock_timeout = '10s'");
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            } catch (SQLException e) {
                System.err.println("[relay-load] could not drop schema " + schema + ": " + e.getMessage());
            }
        }

        /** Server version and the settings that decide the cost of a commit. */
        String describe() {
            try (Connection c = connect(); Statement s = c.createStatement()) {
                StringBuilder out = new StringBuilder("PostgreSQL ");
                try (ResultSet r = s.executeQuery("SHOW server_version")) {
                    r.next();
                    out.append(r.getString(1).split(" ")[0]);
                }
                for (String setting : List.of("synchronous_commit", "fsync", "wal_sync_method", "commit_delay")) {
                    try (ResultSet r = s.executeQuery("SHOW " + setting)) {
                        r.next();
                        out.append(", ").append(setting).append('=').append(r.getString(1));
                    }
                }
                return out.toString();
            } catch (SQLException e) {
                return "PostgreSQL (" + e.getMessage() + ")";
            }
        }

        /** Cumulative counters now (pg_stat_* are flushed by the backends about once a second). */
        DbSample sample(Connection c, String table) {
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_stat_clear_snapshot()");
                long commits;
                try (ResultSet r = s.executeQuery("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")) {
                    r.next();
                    commits = r.getLong(1);
                }
                long walBytes;
                long walSyncs;
                try (ResultSet r = s.executeQuery("SELECT wal_bytes, wal_sync FROM pg_stat_wal")) {
                    r.next();
                    walBytes = r.getLong(1);
                    walSyncs = r.getLong(2);
                }
                long inserted = 0;
                long deleted = 0;
                long channelReads = 0;
                try (PreparedStatement p = c.prepareStatement("SELECT relname, n_tup_ins, n_tup_del,"
                        + " coalesce(seq_scan, 0) + coalesce(idx_scan, 0) FROM pg_stat_user_tables WHERE schemaname = ?")) {
                    p.setString(1, schema);
                    try (ResultSet r = p.executeQuery()) {
                        while (r.next()) {
                            if (r.getString(1).equals(table)) {
                                inserted = r.getLong(2);
                                deleted = r.getLong(3);
                            } else if (r.getString(1).equals("channels")) {
                                channelReads = r.getLong(4);
                            }
                        }
                    }
                }
                return new DbSample(commits, walBytes, walSyncs, inserted, deleted, channelReads);
            } catch (SQLException e) {
                progress("warning: cannot read PostgreSQL statistics: " + e.getMessage());
                return null;
            }
        }
    }

    /** Cumulative database counters: transactions (database-wide), WAL (cluster-wide), one table's rows. */
    record DbSample(long commits, long walBytes, long walSyncs, long inserted, long deleted, long channelReads) {
        DbSample minus(DbSample o) {
            return new DbSample(commits - o.commits, walBytes - o.walBytes, walSyncs - o.walSyncs,
                    inserted - o.inserted, deleted - o.deleted, channelReads - o.channelReads);
        }
    }

    /**
     * CPU of the whole machine ({@code /proc/stat}) and of the PostgreSQL server's processes
     * ({@code /proc/<pid>/stat} of every process named {@code postgres}), in clock ticks.
     * Zeros off Linux.
     */
    record HostSample(long busyTicks, long totalTicks, long postgresTicks) {
        static final double TICK_NANOS = 1e9 / 100; // USER_HZ is 100 on Linux

        static HostSample now() {
            long busy = 0;
            long total = 0;
            try {
                String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
                String[] f = cpu.trim().split("\\s+");
                for (int i = 1; i < f.length && i <= 8; i++) { // user nice system idle iowait irq softirq steal
                    long v = Long.parseLong(f[i]);
                    total += v;
                    if (i != 4 && i != 5) {
                        busy += v;
                    }
                }
            } catch (IOException | RuntimeException e) {
                return new HostSample(0, 0, 0);
            }
            long pg = 0;
            try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
                for (Path p : (Iterable<Path>) procs::iterator) {
                    String name = p.getFileName().toString();
                    if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
                        continue;
                    }
                    try {
                        String stat = Files.readString(p.resolve("stat"));
                        int close = stat.lastIndexOf(')');
                        if (!stat.substring(stat.indexOf('(') + 1, close).equals("postgres")) {
                            continue;
                        }
                        String[] f = stat.substring(close + 2).split(" ");
                        pg += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
                    } catch (IOException | RuntimeException e) {
                        // The process ended meanwhile.
                    }
                }
            } catch (IOException e) {
                // No /proc.
            }
            return new HostSample(busy, total, pg);
        }

        HostSample minus(HostSample o) {
            return new HostSample(busyTicks - o.busyTicks, totalTicks - o.totalTicks, postgresTicks - o.postgresTicks);
        }

        /** Busy share of all cores, 0..1; NaN when unknown. */
        double busyShare() {
            return totalTicks > 0 ? busyTicks / (double) totalTicks : Double.NaN;
        }

        double postgresNanos() {
            return postgresTicks * TICK_NANOS;
        }
    }

    // ---------------------------------------------------------------------------------------
    // The reference: plain JDBC into a copy of the inbox table

    /** Batched INSERTs of the same rows into a table shaped like {@code inbox}, many threads. */
    static final class Reference {

        record Result(int threads, int batch, int payloadBytes, long commits, double seconds, double commitP50Millis,
                double commitP99Millis, DbSample db, HostSample host, long jvmNanos, String failure) {

            long rows() {
                return commits * batch;
            }

            double rowsPerSecond() {
                return rows() / seconds;
            }

            double commitsPerSecond() {
                return commits / seconds;
            }
        }

        private final String url;
        private final Postgres pg;
        private final int threads;
        private final int batch;
        private final byte[] payload;
        private final int parties;

        Reference(String url, Postgres pg, int threads, int batch, byte[] payload, int parties) {
            this.url = url;
            this.pg = pg;
            this.threads = threads;
            this.batch = batch;
            this.payload = payload;
            this.parties = parties;
        }

        Result run(Duration warmup, Duration measure) throws Exception {
            Connection admin = DriverManager.getConnection(url);
            try {
                try (Statement s = admin.createStatement()) {
                    // V2__channels_inbox.sql's inbox, with its indexes, under other names.
                    s.execute("CREATE TABLE " + REFERENCE_TABLE + " ("
                            + " id BIGINT GENERATED BY DEFAULT AS IDENTITY,"
                            + " recipient VARCHAR(255) NOT NULL,"
                            + " channel_id BIGINT NOT NULL,"
                            + " frame_type SMALLINT NOT NULL,"
                            + " payload BYTEA NOT NULL,"
                            + " sender VARCHAR(255) NOT NULL,"
                            + " queued_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,"
                            + " expires_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,"
                            + " CONSTRAINT " + REFERENCE_TABLE + "_pk PRIMARY KEY (id))");
                    s.execute("CREATE INDEX " + REFERENCE_TABLE + "_recipient_idx ON " + REFERENCE_TABLE + " (recipient, id)");
                    s.execute("CREATE INDEX " + REFERENCE_TABLE + "_expires_idx ON " + REFERENCE_TABLE + " (expires_at)");
                }
                LatencyRecorder commits = new LatencyRecorder();
                AtomicBoolean stop = new AtomicBoolean();
                AtomicLong failures = new AtomicLong();
                AtomicInteger started = new AtomicInteger();
                String[] lastFailure = new String[1];
                List<Thread> workers = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int index = t;
                    Thread worker = new Thread(() -> {
                        try {
                            insertLoop(index, stop, commits, started);
                        } catch (SQLException | RuntimeException e) {
                            failures.incrementAndGet();
                            synchronized (lastFailure) {
                                lastFailure[0] = e.toString();
                            }
                        }
                    }, "relay-reference-" + t);
                    worker.setDaemon(true);
                    workers.add(worker);
                    worker.start();
                }
                Thread.sleep(warmup.toMillis());
                DbSample dbBefore = pg == null ? null : pg.sample(admin, REFERENCE_TABLE);
                HostSample hostBefore = HostSample.now();
                long jvmBefore = processCpuNanos();
                long start = System.nanoTime();
                commits.open();
                Thread.sleep(measure.toMillis());
                commits.close();
                long end = System.nanoTime();
                long jvmAfter = processCpuNanos();
                HostSample hostAfter = HostSample.now();
                DbSample dbAfter = pg == null ? null : pg.sample(admin, REFERENCE_TABLE);
                stop.set(true);
                for (Thread worker : workers) {
                    worker.join(30_000);
                }
                String failure;
                synchronized (lastFailure) {
                    failure = failures.get() == 0 ? null : failures.get() + " thread(s) failed, last: " + lastFailure[0];
                }
                return new Result(threads, batch, payload.length, commits.count(), (end - start) / 1e9,
                        commits.quantileMillis(0.5), commits.quantileMillis(0.99),
                        dbBefore == null || dbAfter == null ? null : dbAfter.minus(dbBefore), hostAfter.minus(hostBefore),
                        jvmAfter - jvmBefore, failure);
            } finally {
                try (Statement s = admin.createStatement()) {
                    s.execute("DROP TABLE IF EXISTS " + REFERENCE_TABLE);
                    if (pg != null) {
                        // The node's load should not pay for writing back the reference's pages.
                        s.execute("CHECKPOINT");
                    }
                } catch (SQLException e) {
                    progress("warning: could not drop the reference table: " + e.getMessage());
                }
                admin.close();
            }
        }

        private static long processCpuNanos() {
            return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean()).getProcessCpuTime();
        }

        /** One thread: transactions of {@code batch} rows, with the server's statement and generated ids. */
        private void insertLoop(int index, AtomicBoolean stop, LatencyRecorder commits, AtomicInteger started)
                throws SQLException {
            String[] recipients = new String[parties];
            for (int i = 0; i < parties; i++) {
                recipients[i] = "reference-recipient-" + i;
            }
            try (Connection c = DriverManager.getConnection(url)) {
                c.setAutoCommit(false);
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + REFERENCE_TABLE + " (recipient,"
                        + " channel_id, frame_type, payload, sender, queued_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        new String[] {"id"})) {
                    started.incrementAndGet();
                    long row = index;
                    while (!stop.get()) {
                        long begin = System.nanoTime();
                        OffsetDateTime now = OffsetDateTime.ofInstant(Instant.now(), ZoneOffset.UTC);
                        OffsetDateTime expires = now.plusDays(1);
                        for (int i = 0; i < batch; i++, row++) {
                            int party = (int) (row % parties);
                            insert.setString(1, recipients[party]);
                            insert.setLong(2, 1 + party);
                            insert.setShort(3, (short) FrameType.MSG.code());
                            insert.setBytes(4, payload);
                            insert.setString(5, "reference-sender-" + party);
                            insert.setObject(6, now);
                            insert.setObject(7, expires);
                            insert.addBatch();
                        }
                        insert.executeBatch();
                        try (ResultSet keys = insert.getGeneratedKeys()) {
                            while (keys.next()) {
                                keys.getLong(1);
                            }
                        }
                        c.commit();
                        commits.success(System.nanoTime() - begin);
                    }
                }
            }
        }
    }

}
