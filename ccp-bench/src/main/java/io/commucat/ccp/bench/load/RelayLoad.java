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
import io.commucat.ccp.server.storage.jdbc.JdbcSettings;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
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
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
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
    static final long SETUP_TIMEOUT_SECONDS = 30;

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
            description = "The devices' callback pool: futures and listeners (default: ${DEFAULT-VALUE}).")
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
        if (perConnection != 1) {
            System.err.println("relay-load: --streams-per-connection must be 1: every device is a CcpClient with a"
                    + " connection of its own");
            return 2;
        }
        if (senders < 1 || window < 1 || seconds < 1 || warmupSeconds < 0 || size < 0
                || clientThreads < 1 || callbackThreads < 1 || referenceThreads < 1 || referenceBatch < 1 || referenceSeconds < 0
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
        ExecutorService callbacks = Executors.newFixedThreadPool(callbackThreads,
                new DefaultThreadFactory(CALLBACK_THREADS, true));
        Reference.Result reference = null;
        Load.Result result;
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

            progress("starting the node (" + (usePostgres() ? "PostgreSQL" : "H2") + ")");
            try (EmbeddedNode node = EmbeddedNode.start(overrides)) {
                String inboxUrl = usePostgres() ? pg.dsn() : JdbcSettings.h2File(node.data().embeddedDatabase()).jdbcUrl();
                Load load = new Load(URI.create("https://127.0.0.1:" + node.port()), Trust.certificates(node.devCa()),
                        clientResources, callbacks, new CpuMeter(CALLBACK_THREADS), pg, inboxUrl, payload);
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

    private static byte[] bytes(SecureRandom random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
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

    // ---------------------------------------------------------------------------------------
    // The server load

    /**
     * Setup, warm-up, measurement window and drain of the devices' load. Every device is a
     * {@link CcpClient} with its identity in memory, all sharing one {@link ClientResources} and
     * one small callback pool; a device's session comes from {@link CcpClient#connect}.
     */
    final class Load {

        record Result(long acked, double seconds, double ackP50Millis, double ackP99Millis, long delivered,
                double deliveryP50Millis, double deliveryP99Millis, Map<String, Long> refusals, long refusedInWindow,
                long errors, long failures, String lastFailure, long ackedTotal, long deliveredTotal, long duplicates,
                long lostInFlight,
                long inboxRowsAtEnd,
                int connections, CpuMeter.Usage cpu, DbSample db, HostSample host) {

            double perSecond() {
                return acked / seconds;
            }
        }

        private final URI server;
        private final Trust trust;
        private final ClientResources resources;
        private final Executor callbacks;
        private final CpuMeter meter;
        private final Postgres pg;
        private final String inboxUrl;
        private final byte[] payload;

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
        private final String run = Hex.encode(bytes(new SecureRandom(), 4));

        Load(URI server, Trust trust, ClientResources resources, Executor callbacks, CpuMeter meter, Postgres pg,
                String inboxUrl, byte[] payload) {
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

                progress(String.format(Locale.ROOT, "registering %d senders and %d recipients, a connection each",
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

                progress("joining " + senders + " channels");
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

                progress(String.format(Locale.ROOT, "%d senders × %d in flight, %d-byte Msgs, recipients %s; warm-up %d s",
                        senders, window, size, online ? "online" : "offline", warmupSeconds));
                sendersList.forEach(d -> callbacks.execute(d::fill));
                Thread.sleep(warmupSeconds * 1000L);

                CpuMeter.Sample cpuBefore = meter.sample();
                DbSample dbBefore = pg == null ? null : pg.sample(monitor, "inbox");
                HostSample hostBefore = HostSample.now();
                long start = System.nanoTime();
                windowOpen = true;
                ackLatency.open();
                deliveryLatency.open();
                progress("measuring " + seconds + " s");
                Thread.sleep(seconds * 1000L);
                ackLatency.close();
                deliveryLatency.close();
                windowOpen = false;
                long end = System.nanoTime();
                HostSample hostAfter = HostSample.now();
                DbSample dbAfter = pg == null ? null : pg.sample(monitor, "inbox");
                CpuMeter.Sample cpuAfter = meter.sample();

                // Drain: no new Msgs, wait for the Acks of those in flight.
                stopping = true;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                while (outstanding.get() > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                if (outstanding.get() > 0) {
                    progress("warning: " + outstanding.get() + " Msgs still unacked 15 s after the load stopped");
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
                Map<String, Long> refused = new TreeMap<>();
                refusals.forEach((k, v) -> refused.put(k, v.sum()));
                return new Result(ackLatency.count(), (end - start) / 1e9, ackLatency.quantileMillis(0.5),
                        ackLatency.quantileMillis(0.99), deliveryLatency.count(), deliveryLatency.quantileMillis(0.5),
                        deliveryLatency.quantileMillis(0.99), refused, refusedInWindow.sum(), errors.sum(),
                        failures.get(), lastFailure, ackedTotal.sum(), deliveredTotal.sum(), duplicates.sum(),
                        lostInFlight.get(), rowsAtEnd, 2 * senders,
                        cpuAfter.minus(cpuBefore), dbBefore == null || dbAfter == null ? null : dbAfter.minus(dbBefore),
                        hostAfter.minus(hostBefore));
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
                progress("warning: cannot count the inbox: " + e.getMessage());
                return -1;
            }
        }

        private void awaitAll(List<? extends CompletableFuture<?>> futures, String what) throws Exception {
            try {
                CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(SETUP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException(what + ": not done after " + SETUP_TIMEOUT_SECONDS + " s", e);
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
                        if (RelayLoad.Load.this.stopping || dead || inFlight >= window) {
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
                            target = channel == firstChannel + senders - 1 ? firstChannel : channel + 1; // not this device's
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
                    CompletableFuture.delayedExecutor(REFUSAL_BACKOFF_MILLIS, TimeUnit.MILLISECONDS, callbacks)
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
                if (!stopping && !RelayLoad.Load.this.stopping) {
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
                if (state == SessionState.RECONNECTING && !stopping && !RelayLoad.Load.this.stopping) {
                    failure("session of " + deviceId + " lost its link: " + cause.getMessage());
                }
            }

            @Override
            public void onClosed(CcpException failure) {
                if (failure != null && !stopping && !RelayLoad.Load.this.stopping) {
                    failure("session of " + deviceId + " ended: " + failure.getMessage());
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // The report

    /** The markdown tables of docs/benchmarks.md, "Durable relay". */
    static final class RelayReport {
        private final RelayLoad o;
        private final RunInfo info;
        private final String database;
        private final Reference.Result ref;
        private final Load.Result r;

        RelayReport(RelayLoad options, RunInfo info, String database, Reference.Result reference, Load.Result result) {
            this.o = options;
            this.info = info;
            this.database = database;
            this.ref = reference;
            this.r = result;
        }

        String markdown() {
            StringBuilder out = new StringBuilder();
            String backend = o.usePostgres() ? "PostgreSQL" : "H2 (embedded)";
            String recipients = o.online ? "online" : "offline";
            line(out, "Run: `%s`", info.command());
            line(out, "(%s; load average %s before, %s after; %s; %d senders × %d Msgs in flight, %d-byte payload, "
                    + "recipients %s; %d connections of ≤ %d sessions, devices on the SDK: %d I/O threads, "
                    + "%d callback threads; warm-up %d s, measured %d s).",
                    info.machine(), info.loadBefore(), info.loadAfter(), database, o.senders, o.window, o.size, recipients,
                    r.connections(), o.perConnection, o.clientThreads, o.callbackThreads, o.warmupSeconds, o.seconds);
            line(out, "");
            line(out, "| backend | recipients | acked Msgs | acked Msgs/s | payload MiB/s | Ack p50 ms | Ack p99 ms "
                    + "| refused | reference rows/s | server / reference |");
            line(out, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            double refRate = ref == null || ref.commits() == 0 ? Double.NaN : ref.rowsPerSecond();
            line(out, "| %s | %s | %d | %.0f | %.2f | %.1f | %.1f | %d | %s | %s |", backend, recipients, r.acked(),
                    r.perSecond(), r.perSecond() * o.size / 1048576.0, r.ackP50Millis(), r.ackP99Millis(),
                    r.refusedInWindow(), Double.isNaN(refRate) ? "—" : String.format(Locale.ROOT, "%.0f", refRate),
                    Double.isNaN(refRate) ? "—" : String.format(Locale.ROOT, "%.2f", r.perSecond() / refRate));
            line(out, "");
            line(out, "Ack latency is from the device's `CcpSession.send` to its future's completion on the callback "
                    + "pool (the SDK's queue, HTTP/2 flow control and the server included); the SDK does not show when "
                    + "the Msg was written, so that part is not reported apart.");
            if (o.online) {
                line(out, "");
                line(out, "Delivered to the connected recipients in the window (first deliveries): %d Msgs (%.0f/s), "
                        + "sender's send to recipient's receipt p50 %.1f ms, p99 %.1f ms; every delivery acknowledged by "
                        + "the recipient (its envelope deleted).", r.delivered(), r.delivered() / r.seconds(), r.deliveryP50Millis(),
                        r.deliveryP99Millis());
            }
            line(out, "");
            line(out, "Outcome of the whole run (warm-up, window, drain): %d Msgs acked; refusals %s; Error frames "
                    + "without a matching Msg %d; session failures %d%s; Msgs lost with a session %d;%s inbox rows at the "
                    + "end %d.", r.ackedTotal(), r.refusals().isEmpty() ? "none" : r.refusals().toString(), r.errors(),
                    r.failures(), r.lastFailure() == null ? "" : " (last: " + r.lastFailure() + ")", r.lostInFlight(),
                    o.online ? " Msgs delivered to the recipients " + r.deliveredTotal() + " (of which delivered again "
                            + "in the same session: " + r.duplicates() + ");" : "", r.inboxRowsAtEnd());
            line(out, "");
            if (ref != null) {
                line(out, "Reference, measured in the same run before the node started: plain JDBC (%s), %d threads, "
                        + "each a loop of one transaction with a batched INSERT of %d rows (the server's statement, "
                        + "generated ids read back) into a copy of `inbox` (same columns and indexes), %.0f s after 2 s "
                        + "of warm-up%s.", o.usePostgres() ? "org.postgresql" : "H2, same URL options as the node",
                        ref.threads(), ref.batch(), ref.seconds(),
                        ref.failure() == null ? "" : "; FAILED: " + ref.failure());
                line(out, "");
                double rows = Math.max(1, ref.rows());
                double refJvm = ref.jvmNanos() / 1000.0 / rows;
                double refPg = o.usePostgres() ? ref.host().postgresNanos() / 1000.0 / rows : 0;
                line(out, "| rows | rows/s | MiB/s | commits/s | commit p50 ms | commit p99 ms | WAL flushes/s "
                        + "| JVM CPU µs per row | PostgreSQL CPU µs per row | rows per core-second | machine CPU busy |");
                line(out, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
                line(out, "| %d | %.0f | %.2f | %.0f | %.1f | %.1f | %s | %.1f | %s | %.0f | %s |", ref.rows(),
                        ref.rowsPerSecond(), ref.rowsPerSecond() * ref.payloadBytes() / 1048576.0, ref.commitsPerSecond(),
                        ref.commitP50Millis(), ref.commitP99Millis(),
                        ref.db() == null ? "—" : fmt0(ref.db().walSyncs() / ref.seconds()), refJvm,
                        o.usePostgres() ? fmt1(refPg) : "—", 1e6 / (refJvm + refPg), pct(ref.host().busyShare()));
                line(out, "");
            }
            long n = Math.max(1, r.acked());
            CpuMeter.Usage cpu = r.cpu();
            double pgMicros = o.usePostgres() ? r.host().postgresNanos() / 1000.0 / n : 0;
            double serverMicros = cpu.server() / 1000.0 / n;
            line(out, "CPU per acked Msg in the window, µs: the node's event loops, storage threads and other threads "
                    + "(inbox writers, H2's and the pool's threads), how much of those was kernel time, the devices' loops (same JVM), "
                    + "GC/JIT/VM (both sides), the whole JVM, the PostgreSQL server's processes (from /proc), the node's "
                    + "threads plus PostgreSQL, and Msgs per core-second at that cost; last, the whole machine's busy share:");
            line(out, "");
            line(out, "| server loops | server storage | server other | server in kernel | devices | GC, JIT, VM "
                    + "| JVM process | PostgreSQL | server + database | per core-second | machine CPU busy |");
            line(out, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            line(out, "| %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %s | %.1f | %.0f | %s |",
                    cpu.get(CpuMeter.Group.SERVER_LOOP) / 1000.0 / n, cpu.get(CpuMeter.Group.SERVER_STORAGE) / 1000.0 / n,
                    cpu.get(CpuMeter.Group.SERVER_OTHER) / 1000.0 / n, cpu.serverKernel() / 1000.0 / n,
                    cpu.get(CpuMeter.Group.CLIENT) / 1000.0 / n, cpu.unattributed() / 1000.0 / n,
                    cpu.processNanos() / 1000.0 / n, o.usePostgres() ? fmt1(pgMicros) : "—", serverMicros + pgMicros,
                    1e6 / (serverMicros + pgMicros), pct(r.host().busyShare()));
            if (r.db() != null) {
                DbSample d = r.db();
                double s = r.seconds();
                line(out, "");
                // A session batch reads its channel once (one auto-commit SELECT joining channels,
                // members and devices); what is left of the transactions are the writes (inserts, and
                // deletes when online).
                long writes = d.commits() - d.channelReads();
                line(out, "PostgreSQL during the window (statistics views; the table counters are this run's schema "
                        + "alone, transactions are database-wide and WAL cluster-wide, so they include any other client). "
                        + "A session batch reads its channel once, with one auto-commit SELECT; write transactions are "
                        + "the transactions less one per channel read:");
                line(out, "");
                line(out, "| inbox rows/s | channel reads/s (≈ session batches) | rows per session batch | transactions/s "
                        + "| write transactions/s | inbox rows per write transaction | WAL flushes/s | rows per WAL flush "
                        + "| WAL MiB/s | inbox deletes/s |");
                line(out, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
                line(out, "| %.0f | %.0f | %s | %.0f | %.0f | %s | %.0f | %s | %.1f | %.0f |", d.inserted() / s,
                        d.channelReads() / s,
                        d.channelReads() > 0 ? fmt1(d.inserted() / (double) d.channelReads()) : "—", d.commits() / s,
                        writes / s, writes > 0 ? fmt1(d.inserted() / (double) writes) : "—", d.walSyncs() / s,
                        d.walSyncs() > 0 ? fmt1(d.inserted() / (double) d.walSyncs()) : "—", d.walBytes() / s / 1048576.0,
                        d.deleted() / s);
            }
            return out.toString();
        }

        private static String fmt0(double v) {
            return String.format(Locale.ROOT, "%.0f", v);
        }

        private static String fmt1(double v) {
            return String.format(Locale.ROOT, "%.1f", v);
        }

        private static String pct(double share) {
            return Double.isNaN(share) ? "—" : String.format(Locale.ROOT, "%.0f %%", share * 100);
        }

        private static void line(StringBuilder out, String format, Object... args) {
            out.append(String.format(Locale.ROOT, format, args)).append('\n');
        }
    }
}
