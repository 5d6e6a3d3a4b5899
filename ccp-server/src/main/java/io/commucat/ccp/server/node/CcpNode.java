package io.commucat.ccp.server.node;

import io.commucat.ccp.crypto.cert.DeviceCertificateAuthority;
import io.commucat.ccp.crypto.keys.DeviceCaKeyPair;
import io.commucat.ccp.ledger.FileLedger;
import io.commucat.ccp.ledger.LedgerException;
import io.commucat.ccp.server.admission.Admission;
import io.commucat.ccp.server.audit.Audit;
import io.commucat.ccp.server.audit.AuditLedgers;
import io.commucat.ccp.server.audit.AuditedHandshakes;
import io.commucat.ccp.server.audit.FailureDigest;
import io.commucat.ccp.server.auth.AdminAuthenticator;
import io.commucat.ccp.server.auth.DeviceAuthenticator;
import io.commucat.ccp.server.cli.RunningServer;
import io.commucat.ccp.server.cli.SettingsReport;
import io.commucat.ccp.server.cluster.ClusterLink;
import io.commucat.ccp.server.cluster.DeviceNotifier;
import io.commucat.ccp.server.cluster.MembershipAnnouncer;
import io.commucat.ccp.server.cluster.PresenceRebuild;
import io.commucat.ccp.server.cluster.Router;
import io.commucat.ccp.server.config.LedgerMode;
import io.commucat.ccp.server.config.ServerConfig;
import io.commucat.ccp.server.connect.ConnectHandler;
import io.commucat.ccp.server.connect.ConnectServices;
import io.commucat.ccp.server.connect.HandshakeListener;
import io.commucat.ccp.server.connect.KeepaliveRefresher;
import io.commucat.ccp.server.connect.RouteTakeover;
import io.commucat.ccp.server.connect.SessionEndRecorder;
import io.commucat.ccp.server.connect.SessionEnds;
import io.commucat.ccp.server.connect.SessionRegistry;
import io.commucat.ccp.server.datadir.DataDirectory;
import io.commucat.ccp.server.handshake.DeviceResolver;
import io.commucat.ccp.server.handshake.HandshakePolicy;
import io.commucat.ccp.server.handshake.SessionTokens;
import io.commucat.ccp.server.http.CcpServer;
import io.commucat.ccp.server.http.ServerTls;
import io.commucat.ccp.server.http.rest.RouteSet;
import io.commucat.ccp.server.pairing.PairCodeKey;
import io.commucat.ccp.server.relay.InboxWriter;
import io.commucat.ccp.server.relay.MembershipCache;
import io.commucat.ccp.server.relay.Relay;
import io.commucat.ccp.server.secrets.DeviceCaKeys;
import io.commucat.ccp.server.secrets.NoiseKeyCatalog;
import io.commucat.ccp.server.secrets.SecretSealer;
import io.commucat.ccp.server.secrets.SecretsException;
import io.commucat.ccp.server.storage.ChannelLimits;
import io.commucat.ccp.server.storage.InboxQuota;
import io.commucat.ccp.server.storage.StorageException;
import io.commucat.ccp.server.storage.jdbc.JdbcSettings;
import io.commucat.ccp.server.storage.redis.RedisBreaker;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server node, assembled from its configuration and data directory: storage, secrets, the
 * session core and the Netty listener. {@link #start} is what {@code ccp serve} runs.
 */
public final class CcpNode implements RunningServer {

    private static final Logger LOG = LoggerFactory.getLogger(CcpNode.class);

    /** Certificates the handshake issues are valid this long (ccp-1.md §3.2 step 8). */
    static final Duration CERTIFICATE_VALIDITY = Duration.ofDays(30);
    /** How often a node checks Noise key rotation and purges expired sessions, envelopes and pairing codes. */
    static final Duration MAINTENANCE_PERIOD = Duration.ofMinutes(1);
    /**
     * Expired pairing codes are kept this long before the purge, so that a late claim hears
     * "expired" rather than "unknown" (rest.md "POST /api/pair/claim").
     */
    static final Duration PAIRING_CODE_RETENTION = Duration.ofDays(1);
    /** Inbox group-commit threads: one gathers while the other commits. */
    static final int INBOX_WRITERS = 2;
    /** Rows and payload bytes waiting for the inbox writers before new frames are refused as unavailable. */
    static final int INBOX_MAX_PENDING_ROWS = 65_536;
    static final long INBOX_MAX_PENDING_BYTES = 256L * 1024 * 1024;
    /** Storage executor threads: twice the JDBC pool, since Redis calls share the executor with the database ones. */
    static final int STORAGE_THREADS = 2 * JdbcSettings.DEFAULT_POOL_SIZE;

    private final StorageBackends storage;
    private final ThreadPoolExecutor storageExecutor;
    private final InboxWriter inboxWriter;
    private final ScheduledExecutorService maintenance;
    private final CcpServer server;
    private final SessionRegistry registry;
    private final Audit audit;
    private final ServerConfig config;
    private final String configDigest;
    private final Admission admission;
    private final FailureDigest failureDigest;
    private final PresenceRebuild presenceRebuild;
    private final KeepaliveRefresher keepaliveRefresher;
    private final SessionEndRecorder sessionEndRecorder;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private CcpNode(StorageBackends storage, ThreadPoolExecutor storageExecutor, InboxWriter inboxWriter,
            ScheduledExecutorService maintenance, CcpServer server, SessionRegistry registry, Audit audit,
            ServerConfig config, String configDigest, Admission admission, FailureDigest failureDigest,
            PresenceRebuild presenceRebuild, KeepaliveRefresher keepaliveRefresher,
            SessionEndRecorder sessionEndRecorder) {
        this.presenceRebuild = presenceRebuild;
        this.keepaliveRefresher = keepaliveRefresher;
        this.sessionEndRecorder = sessionEndRecorder;
        this.admission = admission;
        this.failureDigest = failureDigest;
        this.audit = audit;
        this.config = config;
        this.configDigest = configDigest;
        this.storage = storage;
        this.storageExecutor = storageExecutor;
        this.inboxWriter = inboxWriter;
        this.maintenance = maintenance;
        this.server = server;
        this.registry = registry;
    }

    /** Opens storage, loads secrets, starts listening. Blocking; call from the main thread. */
    public static CcpNode start(ServerConfig config, DataDirectory data) throws Exception {
        Clock clock = Clock.systemUTC();
        SecureRandom random = new SecureRandom();
        // First, so that everything the start does (a due key rotation) is audited.
        Audit audit = AuditLedgers.open(config.ledger());
        StorageBackends storage;
        try {
            storage = StorageBackends.open(config, data, STORAGE_THREADS);
        } catch (Exception | Error e) {
            closeQuietly(audit);
            throw e;
        }
        ThreadPoolExecutor storageExecutor = null;
        ScheduledExecutorService maintenance = null;
        InboxWriter inboxWriter = null;
        PresenceRebuild presenceRebuild = null;
        KeepaliveRefresher keepaliveRefresher = null;
        SessionEndRecorder sessionEndRecorder = null;
        try {
            SecretSealer sealer = new SecretSealer(config.crypto().secretsKey().map(s -> s.bytes()).orElse(null), random);
            NoiseKeyCatalog noiseKeys = NoiseKeyCatalog.open(storage.sql().secrets(), sealer,
                    config.rotation().noiseInterval(), config.rotation().noiseGrace(), config.rotation().noiseMaxVersions(),
                    data.noiseStaticSeed().bytes(), clock, random,
                    key -> audit.noiseKeyRotated(key.version(), key.validAfter(), key.rotatesAt(), key.expiresAt()));
            DeviceCaKeyPair caKey = DeviceCaKeys.load(storage.sql().secrets(), sealer, data.deviceCaSeed().bytes());

            HandshakePolicy policy = new HandshakePolicy(config.server().domain(), config.crypto().prologueBytes(),
                    config.server().autoApproveDevices(), config.server().autoApproveExistingUsers(),
                    config.server().maxAutoDevicesPerUser(), config.server().keepalive(), config.keepaliveInterval(),
                    config.limits().presenceTtl(), CERTIFICATE_VALIDITY, config.timeouts().hello(),
                    config.timeouts().bootstrap());
            storageExecutor = StorageExecutor.create(STORAGE_THREADS, 10_000);
            PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            Admission admission = Admission.configured(config.rateLimits(), metrics);
            FailureDigest failureDigest = new FailureDigest(
                    HandshakeListener.all(new HandshakeLog(metrics), new AuditedHandshakes(audit)), audit,
                    config.rateLimits().failureSummaryInterval(), config.rateLimits().failureRecordsPerInterval(),
                    config.rateLimits().maxTrackedAddresses(), clock);
            ledgerSizeGauge(config.ledger(), metrics);
            SessionRegistry registry = new SessionRegistry();
            RelayMetrics relayMetrics = new RelayMetrics(metrics);
            ServerConfig.Quotas quotas = config.quotas();
            inboxWriter = new InboxWriter(storage.sql().inbox(), INBOX_WRITERS, INBOX_MAX_PENDING_ROWS,
                    INBOX_MAX_PENDING_BYTES, new InboxQuota(quotas.inboxMaxEnvelopes(), quotas.inboxMaxBytes()),
                    relayMetrics);
            Gauge.builder("ccp.inbox.pending.rows", inboxWriter, InboxWriter::pendingRows).register(metrics);
            Gauge.builder("ccp.sessions.established", registry, SessionRegistry::size).register(metrics);
            storage.redis().ifPresent(redis -> Gauge.builder("ccp.redis.breaker.open", redis.breaker(),
                            b -> b.state() == RedisBreaker.State.CLOSED ? 0 : 1)
                    .description("1 while Redis calls fail fast because Redis is unreachable").register(metrics));
            DeviceCertificateAuthority ca = new DeviceCertificateAuthority(caKey);
            // Channel members read once per TTL instead of once per session batch; changes cross the bus.
            MembershipCache membershipCache = new MembershipCache(storage.sql().channels(),
                    MembershipCache.configuredTtl(), MembershipCache.DEFAULT_MAX_ENTRIES,
                    new MembershipAnnouncer(storage.bus()), System::nanoTime);
            Router clusterRouter = new Router(storage.presence(), storage.bus(), config.server().nodeId());
            ConnectServices services = new ConnectServices(policy, noiseKeys,
                    new DeviceResolver(storage.sql().directory(), ca, policy, random,
                            admission.registrations()),
                    storage.sql().sessions(), storage.presence(),
                    new Relay(storage.sql().channels(), storage.sql().inbox(), inboxWriter, storage.sql().groups(),
                            config.limits().relayTtl(), Relay.MAX_FANOUT_BYTES,
                            new ChannelLimits(quotas.channelMaxMembers(), quotas.deviceMaxChannels()), relayMetrics,
                            membershipCache),
                    clusterRouter,
                    new SessionTokens(random), caKey.publicKey(), registry,
                    failureDigest, storageExecutor, clock,
                    config.server().nodeId(), new NodeBufferBudget(quotas.nodeBufferBytes(), metrics));

            Gauge.builder("ccp.session.ends.pending", services.sessionEnds(), SessionEnds::size)
                    .description("Ended sessions whose presence and last_seen wait to be recorded").register(metrics);

            // A configured admin.token overrides the one generated in the data directory.
            java.util.Optional<String> adminToken = config.admin().token().or(data::adminTokenText);
            java.util.List<RouteSet> api = RestApi.routeSets(new RestApi.Context(config, storage, storageExecutor,
                    new DeviceAuthenticator(storage.sql().sessions(), storage.sql().directory(),
                            config.server().keepalive(), clock),
                    new AdminAuthenticator(adminToken), new DeviceNotifier(clusterRouter, registry), audit, admission,
                    registry, ca, random, clock, metrics, pairCodeKey(caKey)));

            // When Redis comes back (empty), routes and presence are rewritten and inboxes re-read.
            presenceRebuild = new PresenceRebuild(registry, new RouteTakeover(services));
            // Every established session's row, presence and route, in batches once a tick.
            keepaliveRefresher = KeepaliveRefresher.start(services);
            // Sessions' ends (presence cleared, last_seen), in batches as they come.
            sessionEndRecorder = SessionEndRecorder.start(services);
            storage.bus().whenResubscribed(presenceRebuild);
            // Subscribed before the listener opens: no session exists that the bus could miss.
            storage.bus().subscribe(config.server().nodeId(),
                    new ClusterLink(registry, membershipCache::changedElsewhere));
            CcpServer server = CcpServer.builder()
                    .config(config)
                    .adminToken(adminToken)
                    .routes(routes -> api.forEach(set -> set.register(routes)))
                    .sslContext(ServerTls.forServer(data.tls().certificateChain(), data.tls().privateKey()))
                    .connectHandler(ConnectHandler.sessions(services))
                    .admission(admission)
                    .meterRegistry(metrics)
                    .serverInfo(new ServerInfo(config, noiseKeys, caKey.publicKey(), clock))
                    .readinessCheck(storage.sqlName(), storage.sql()::ping)
                    .readinessCheck(storage.presenceName(), storage.presence()::ping)
                    // The ledger never retries after a failed write: one failure means down until restart.
                    .readinessCheck("ledger", () -> audit.stats().failed() == 0)
                    .blockingExecutor(storageExecutor)
                    .version(version())
                    .build()
                    .start();

            maintenance = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "ccp-maintenance");
                t.setDaemon(true);
                return t;
            });
            maintenance.scheduleWithFixedDelay(() -> maintain(noiseKeys, storage, clock), MAINTENANCE_PERIOD.toSeconds(),
                    MAINTENANCE_PERIOD.toSeconds(), TimeUnit.SECONDS);
            long digestMillis = failureDigest.interval().toMillis();
            maintenance.scheduleAtFixedRate(failureDigest::flush, digestMillis, digestMillis, TimeUnit.MILLISECONDS);
            LOG.info("ccp node {} listening on {} (TLS {}, {}, storage {} + {})", config.server().nodeId(),
                    server.localAddress(), server.sslProvider(), server.transport(), storage.sqlName(),
                    storage.presenceName());
            String digest = SettingsReport.digest(config, data);
            audit.serverStarted(version(), config.server().nodeId(), digest);
            return new CcpNode(storage, storageExecutor, inboxWriter, maintenance, server, registry, audit, config,
                    digest, admission, failureDigest, presenceRebuild, keepaliveRefresher, sessionEndRecorder);
        } catch (Exception | Error e) {
            if (presenceRebuild != null) {
                presenceRebuild.close();
            }
            if (keepaliveRefresher != null) {
                keepaliveRefresher.close();
            }
            if (sessionEndRecorder != null) {
                sessionEndRecorder.close();
            }
            if (maintenance != null) {
                maintenance.shutdownNow();
            }
            if (storageExecutor != null) {
                storageExecutor.shutdownNow();
            }
            if (inboxWriter != null) {
                inboxWriter.close();
            }
            storage.close();
            closeQuietly(audit);
            throw e;
        }
    }

    /** The pairing code key, from the device CA's secret: the one secret every node of a cluster shares. */
    private static PairCodeKey pairCodeKey(DeviceCaKeyPair caKey) {
        byte[] secret = caKey.secretKey();
        try {
            return PairCodeKey.derive(secret);
        } finally {
            java.util.Arrays.fill(secret, (byte) 0);
        }
    }

    /** {@code ccp_ledger_bytes}: what the ledger's files take on disk (file mode only). */
    private static void ledgerSizeGauge(ServerConfig.Ledger ledger, PrometheusMeterRegistry metrics) {
        if (ledger.mode() != LedgerMode.FILE) {
            return;
        }
        Path directory = ledger.directory();
        String prefix = ledger.prefix();
        Gauge.builder("ccp.ledger.bytes", () -> {
            try {
                return FileLedger.bytesOnDisk(directory, prefix);
            } catch (IOException e) {
                return Double.NaN;
            }
        }).description("Bytes the audit ledger's files take on disk").register(metrics);
    }

    private static void closeQuietly(Audit audit) {
        try {
            audit.close();
        } catch (LedgerException e) {
            LOG.error("audit ledger: {}", e.getMessage());
        }
    }

    /** Rotation on schedule (and picking up other nodes' rotations), expired sessions, envelopes and codes out. */
    private static void maintain(NoiseKeyCatalog noiseKeys, StorageBackends storage, Clock clock) {
        try {
            noiseKeys.rotateIfDue();
            noiseKeys.reload();
            storage.sql().sessions().purgeExpired(Instant.now(clock));
            storage.sql().inbox().purgeExpired(Instant.now(clock));
            storage.sql().pairingCodes().purgeExpired(Instant.now(clock).minus(PAIRING_CODE_RETENTION));
        } catch (StorageException | SecretsException | RuntimeException e) {
            LOG.warn("maintenance failed: {}", e.toString());
        }
    }

    private static String version() {
        String v = CcpNode.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    @Override
    public int port() {
        return server.port();
    }

    /** The node's storage, for operator tooling and end-to-end tests that check stored state. */
    public StorageBackends storage() {
        return storage;
    }

    /**
     * The node's per-address limits; {@code pairing()} is for the pairing-claim endpoint, which
     * asks it before anything else (rest.md "Rate limits").
     */
    public Admission admission() {
        return admission;
    }

    /**
     * Every path the node's listener serves and its methods ({@code /connect} included): what
     * {@code docs/openapi.json} must describe, checked by a test against a running node.
     */
    public java.util.Map<String, java.util.Set<String>> routeTable() {
        return server.routeTable();
    }

    /** The device's established session on this node, or null (diagnostics, tests). */
    public io.commucat.ccp.server.connect.ConnectSession session(String deviceId) {
        return registry.find(deviceId);
    }

    /** Established device sessions on this node. */
    public int sessions() {
        return registry.size();
    }

    @Override
    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // The listener drains first (sessions write their "end" events), so "stop" is the last record.
        server.close();
        presenceRebuild.close();
        keepaliveRefresher.close();
        // The ends of the sessions the listener just closed: their presence is cleared now, not
        // left to its TTL, so other nodes stop routing to this one (up to 5 s, before storage closes).
        sessionEndRecorder.close();
        maintenance.shutdownNow();
        storageExecutor.shutdown();
        try {
            storageExecutor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        inboxWriter.close();
        // Failures counted since the last interval still get their summary, before "stop".
        failureDigest.flush();
        audit.serverStopped(version(), config.server().nodeId(), configDigest);
        closeQuietly(audit);
        storage.close();
    }
}
