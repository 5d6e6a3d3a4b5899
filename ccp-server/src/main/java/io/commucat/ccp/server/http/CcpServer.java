package io.commucat.ccp.server.http;

import io.commucat.ccp.server.admission.Admission;
import io.commucat.ccp.server.config.BindAddress;
import io.commucat.ccp.server.config.ServerConfig.HttpLimits;
import io.commucat.ccp.server.config.ServerConfig.Timeouts;
import io.commucat.ccp.server.config.ServerConfig;
import io.commucat.ccp.server.connect.ConnectHandler;
import io.commucat.ccp.server.connect.ConnectStream;
import io.commucat.ccp.server.http.rest.BearerToken;
import io.commucat.ccp.server.http.rest.DependencyHealth;
import io.commucat.ccp.server.http.rest.HealthEndpoint;
import io.commucat.ccp.server.http.rest.MetricsEndpoint;
import io.commucat.ccp.server.http.rest.OpenApiEndpoint;
import io.commucat.ccp.server.http.rest.ReadinessEndpoint;
import io.commucat.ccp.server.http.rest.Router;
import io.commucat.ccp.server.http.rest.ServerInfoEndpoint;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CCP listener: TLS 1.3, HTTP/2 and HTTP/1.1 on one port, {@code /connect} and the REST
 * surface. Built with {@link #builder()}, then {@link #start()}; {@link #shutdown()} drains.
 *
 * <p>Threading: {@code start} and {@code shutdown} may be called from any thread (not from an
 * event loop: they wait). Executors handed in are used, never shut down.
 */
public final class CcpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CcpServer.class);

    private final Builder config;
    private final SslContext sslContext;
    private final ChannelGroup connections = new DefaultChannelGroup("ccp-connections", GlobalEventExecutor.INSTANCE);
    private final Set<OpenConnect> openConnects = ConcurrentHashMap.newKeySet();
    private final UpstreamTokens upstreamTokens = new UpstreamTokens();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final ExecutorService ownedExecutor;
    private final Executor blockingExecutor;
    private final HttpMetrics metrics;
    private EventLoopGroup loops;
    private DependencyHealth health;
    private TlsSessions tlsSessions;
    private Router router;
    private Channel serverChannel;
    private long startedNanos;

    private CcpServer(Builder builder) {
        this.config = builder;
        this.sslContext = Objects.requireNonNull(builder.sslContext, "sslContext");
        Objects.requireNonNull(builder.bind, "bind");
        Objects.requireNonNull(builder.limits, "httpLimits");
        Objects.requireNonNull(builder.connectHandler, "connectHandler");
        Objects.requireNonNull(builder.registry, "meterRegistry");
        if (builder.blockingExecutor == null) {
            ownedExecutor = newBlockingPool();
            blockingExecutor = ownedExecutor;
        } else {
            ownedExecutor = null;
            blockingExecutor = builder.blockingExecutor;
        }
        this.metrics = new HttpMetrics(builder.registry, connections);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Binds and returns once the port listens. */
    public CcpServer start() throws InterruptedException {
        startedNanos = System.nanoTime();
        health = new DependencyHealth(config.readiness, config.readinessInterval, config.readinessTimeout).start();
        for (String dependency : config.readiness.keySet()) {
            Gauge.builder("ccp.dependency.up", health, h -> h.snapshot().get(dependency) == DependencyHealth.State.UP ? 1 : 0)
                    .tag("dependency", dependency).description("1 while the last probe of the dependency passed (/readyz)")
                    .register(config.registry);
        }
        router = router();
        ServerContext context = new ServerContext(router, config.connectHandler, metrics, config.limits,
                config.keepaliveInterval, config.drainTimeout, config.downstream, openConnects, config.admission,
                config.timeouts, Hsts.value(config.https.hstsMaxAge()), upstreamTokens);
        tlsSessions = TlsSessions.start(sslContext, config.https.tlsSessionTimeout(), config.https.tlsTicketRotation(),
                new SecureRandom());
        loops = EventLoops.newGroup(config.eventLoopThreads);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loops)
                .channel(EventLoops.serverChannelClass())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new CcpChannelInitializer(sslContext, context, connections));
        if (config.socketSendBuffer > 0) {
            bootstrap.childOption(ChannelOption.SO_SNDBUF, config.socketSendBuffer);
        }
        // HTTP/1.1 has no PING: TCP keepalive finds dead peers there (ccp-1.md §4.3).
        EventLoops.tcpKeepalive(bootstrap, (int) Math.max(1, config.keepaliveInterval.toSeconds()));
        try {
            serverChannel = bootstrap.bind(config.bind.toSocketAddress()).sync().channel();
        } catch (RuntimeException | InterruptedException e) {
            loops.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            health.close();
            tlsSessions.close();
            shutdownOwnedExecutor();
            throw e;
        }
        LOG.info("listening on {} (TLS 1.3 via {}, ALPN h2/http/1.1, {} transport, PING every {} ms)",
                serverChannel.localAddress(), sslProvider(), EventLoops.transportName(), config.keepaliveInterval.toMillis());
        return this;
    }

    private Router router() {
        OpenApiEndpoint openApi = new OpenApiEndpoint();
        Router.Builder routes = Router.builder()
                .get("/healthz", new HealthEndpoint(
                        () -> TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startedNanos), config.version))
                .get("/readyz", new ReadinessEndpoint(health))
                .get("/api/server-info", new ServerInfoEndpoint(config.serverInfo, blockingExecutor))
                .get("/api/openapi.json", openApi)
                .get("/openapi.json", openApi) // the original's path
                .get("/metrics", new MetricsEndpoint(config.registry::scrape, config.adminToken.map(BearerToken::new),
                        blockingExecutor));
        // The browser companion of SSE and long-poll /connect (ccp-1.md §1.3): a REST call that feeds a session.
        routes.post(UpstreamEndpoint.ROUTE, new UpstreamEndpoint(upstreamTokens));
        config.extraRoutes.accept(routes);
        return routes.build();
    }

    /**
     * Every path this listener serves and its methods, {@code /connect} included, sorted: what
     * the OpenAPI document ({@code docs/openapi.json}) must describe. Available once started.
     */
    public Map<String, Set<String>> routeTable() {
        if (router == null) {
            throw new IllegalStateException("not started");
        }
        Map<String, Set<String>> table = new java.util.TreeMap<>(router.table());
        table.put(Router.CONNECT_PATH, Router.CONNECT_METHODS);
        return table;
    }

    /** The address actually bound (port 0 resolved). */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    public int port() {
        return localAddress().getPort();
    }

    /** The TLS implementation in use: {@code OPENSSL} (BoringSSL via netty-tcnative) or {@code JDK}. */
    public SslProvider sslProvider() {
        return ServerTls.providerOf(sslContext);
    }

    /** {@code epoll} or {@code nio}. */
    public String transport() {
        return EventLoops.transportName();
    }

    /**
     * Graceful stop: stop accepting, end every {@code /connect} stream through its
     * {@link ConnectStream#shutdown()}, GOAWAY on HTTP/2 (open streams may finish) and close
     * idle HTTP/1.1 connections (busy ones after their response), wait up to the drain timeout,
     * then close what is left and stop the event loops. Idempotent; blocks until done.
     */
    public void shutdown() {
        if (!stopping.compareAndSet(false, true)) {
            awaitTermination();
            return;
        }
        try {
            if (serverChannel != null) {
                serverChannel.close().syncUninterruptibly();
            }
            LOG.info("shutting down: {} /connect streams, {} connections", openConnects.size(), connections.size());
            for (OpenConnect bridge : openConnects) {
                bridge.eventLoop().execute(bridge::shutdown);
            }
            for (Channel connection : connections) {
                Draining.drain(connection);
            }
            if (!connections.newCloseFuture().awaitUninterruptibly(config.drainTimeout.toMillis())) {
                LOG.warn("{} connections still open after the {} ms drain, closing them", connections.size(),
                        config.drainTimeout.toMillis());
            }
            if (loops != null) {
                // Closes whatever is still registered, then stops the threads.
                loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
            }
            if (health != null) {
                health.close();
            }
            if (tlsSessions != null) {
                tlsSessions.close();
            }
            shutdownOwnedExecutor();
        } finally {
            terminated.countDown();
        }
    }

    /** Blocks until {@link #shutdown()} has finished. */
    public void awaitTermination() {
        try {
            terminated.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        shutdown();
    }

    private void shutdownOwnedExecutor() {
        if (ownedExecutor != null) {
            ownedExecutor.shutdown();
        }
    }

    /** Bounded: a burst of server-info or scrape calls queues instead of spawning threads. */
    private static ExecutorService newBlockingPool() {
        AtomicInteger next = new AtomicInteger(1);
        ThreadPoolExecutor pool = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(1024), task -> {
            Thread thread = new Thread(task, "ccp-http-blocking-" + next.getAndIncrement());
            thread.setDaemon(true);
            return thread;
        });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * Settings for a {@link CcpServer}. Required: {@link #bind}, {@link #httpLimits},
     * {@link #sslContext}, {@link #connectHandler}, {@link #meterRegistry};
     * {@link #config(ServerConfig)} sets the first two and the keepalive, admin token and timeouts.
     */
    public static final class Builder {
        private BindAddress bind;
        private HttpLimits limits;
        private SslContext sslContext;
        private ConnectHandler connectHandler;
        private PrometheusMeterRegistry registry;
        private Duration keepaliveInterval = Duration.ofSeconds(30);
        private Duration drainTimeout = Duration.ofSeconds(10);
        // As long as JDBC's own validation (JdbcStore.ping): a connection pool that is busy
        // under load must not read as an outage.
        private Duration readinessTimeout = Duration.ofSeconds(2);
        private Duration readinessInterval = Duration.ofSeconds(1);
        private Optional<String> adminToken = Optional.empty();
        // The [security.http] defaults (ConfigBinder): HSTS one year, sessions one day, a new ticket key hourly.
        private ServerConfig.Https https = new ServerConfig.Https(Duration.ofDays(365), Duration.ofDays(1),
                Duration.ofHours(1));
        private Supplier<?> serverInfo = () -> Map.of();
        private Map<String, BooleanSupplier> readiness = new LinkedHashMap<>();
        private Executor blockingExecutor;
        private String version = defaultVersion();
        private int eventLoopThreads;
        private ServerConfig.Downstream downstream = new ServerConfig.Downstream(1024 * 1024, Duration.ofSeconds(60));
        private int socketSendBuffer;
        private Consumer<Router.Builder> extraRoutes = routes -> { };
        private Admission admission = Admission.unlimited();
        private Timeouts timeouts = Timeouts.DEFAULTS;

        private Builder() {
        }

        /** Bind address, HTTP limits, keepalive interval (PING period), admin token and timeouts from the configuration. */
        public Builder config(ServerConfig config) {
            bind = config.server().bind();
            limits = config.http();
            keepaliveInterval = config.keepaliveInterval();
            adminToken = config.admin().token();
            downstream = config.downstream();
            timeouts = config.timeouts();
            https = config.https();
            return this;
        }

        /** Header, body and idle deadlines ({@code [security.timeouts]}); the bootstrap ones belong to the session. */
        public Builder timeouts(Timeouts timeouts) {
            this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
            return this;
        }

        /** HSTS max-age, TLS session lifetime and ticket key rotation ({@code [security.http]}). */
        public Builder https(ServerConfig.Https https) {
            this.https = Objects.requireNonNull(https, "https");
            return this;
        }

        public Builder bind(BindAddress bind) {
            this.bind = bind;
            return this;
        }

        public Builder httpLimits(HttpLimits limits) {
            this.limits = limits;
            return this;
        }

        /** Use {@link ServerTls#forServer} to get TLS 1.3 only with the right ALPN. */
        public Builder sslContext(SslContext sslContext) {
            this.sslContext = sslContext;
            return this;
        }

        public Builder connectHandler(ConnectHandler connectHandler) {
            this.connectHandler = connectHandler;
            return this;
        }

        /** Meters are registered here and {@code /metrics} scrapes it. */
        public Builder meterRegistry(PrometheusMeterRegistry registry) {
            this.registry = registry;
            return this;
        }

        /** HTTP/2 PING period on connections carrying {@code /connect} (ccp-1.md §4.3); tests use ~200 ms. */
        public Builder keepaliveInterval(Duration interval) {
            if (interval.isZero() || interval.isNegative()) {
                throw new IllegalArgumentException("keepalive interval must be positive");
            }
            this.keepaliveInterval = interval;
            return this;
        }

        /** How long {@link CcpServer#shutdown()} waits for connections to finish; default 10 s. */
        public Builder drainTimeout(Duration drainTimeout) {
            this.drainTimeout = drainTimeout;
            return this;
        }

        /** Admin token that {@code /metrics} requires; empty: {@code /metrics} answers 401 to everyone. */
        public Builder adminToken(Optional<String> adminToken) {
            this.adminToken = adminToken;
            return this;
        }

        /** The {@code /api/server-info} object (Jackson-serialisable); may block, runs on the blocking executor. */
        public Builder serverInfo(Supplier<?> serverInfo) {
            this.serverInfo = serverInfo;
            return this;
        }

        /**
         * One dependency for {@code /readyz}: probed in the background on a thread of its own
         * (never an event loop), every {@link #readinessInterval}; {@code /readyz} answers from
         * the last results.
         */
        public Builder readinessCheck(String dependency, BooleanSupplier check) {
            readiness.put(dependency, check);
            return this;
        }

        /** A probe that has not answered within this counts as down; default 2 s. */
        public Builder readinessTimeout(Duration timeout) {
            this.readinessTimeout = timeout;
            return this;
        }

        /** Time between background probes of each dependency; default 1 s. */
        public Builder readinessInterval(Duration interval) {
            this.readinessInterval = interval;
            return this;
        }

        /** Where server-info and scrapes run; not owned. Default: a small pool the server owns. */
        public Builder blockingExecutor(Executor executor) {
            this.blockingExecutor = executor;
            return this;
        }

        public Builder version(String version) {
            this.version = version;
            return this;
        }

        /** Event loop threads; 0 (default) lets Netty choose (2 × cores). */
        public Builder eventLoopThreads(int threads) {
            this.eventLoopThreads = threads;
            return this;
        }

        /** How delivery to a {@code /connect} reader is paced: its unread-bytes window and stall deadline. */
        public Builder downstream(ServerConfig.Downstream downstream) {
            this.downstream = Objects.requireNonNull(downstream, "downstream");
            return this;
        }

        /**
         * SO_SNDBUF of accepted connections; 0 (the default) leaves it to the kernel's autotuning.
         * A small buffer makes a peer that does not read hit the server's own limits sooner.
         */
        public Builder socketSendBuffer(int bytes) {
            this.socketSendBuffer = bytes;
            return this;
        }

        /**
         * The per-address limits: REST requests, {@code /connect} streams and connections per
         * address. Default: none ({@link Admission#unlimited()}); a node passes the configured ones.
         */
        public Builder admission(Admission admission) {
            this.admission = java.util.Objects.requireNonNull(admission, "admission");
            return this;
        }

        /** More REST routes (pairing, devices, ...) added by other parts of the server. */
        public Builder routes(Consumer<Router.Builder> routes) {
            this.extraRoutes = routes;
            return this;
        }

        public CcpServer build() {
            return new CcpServer(this);
        }

        private static String defaultVersion() {
            String version = CcpServer.class.getPackage().getImplementationVersion();
            return version == null ? "dev" : version;
        }
    }
}
