package io.commucat.ccp.bench.soak;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * What the soak runs against: a fresh schema on the shared PostgreSQL, reached through the
 * soak's {@link PostgresProxy}; a {@link PrivateRedis}; three {@link NodeProcess}es sharing
 * both, one TLS certificate and (through PostgreSQL) one server identity, so a device can
 * bootstrap on any of them; and the {@link Balancer} in front of them. {@link #close()} stops
 * and removes it all, and may run more than once (a shutdown hook and the normal end).
 */
final class Cluster implements AutoCloseable {

    /** Per-address limits lifted: every device connects from 127.0.0.1, through the balancer. */
    private static final Map<String, String> GENEROUS_LIMITS = Map.of(
            "CCP_SECURITY_RATE_LIMIT_HTTP_BURST", "1000000",
            "CCP_SECURITY_RATE_LIMIT_CONNECT_BURST", "1000000",
            "CCP_SECURITY_RATE_LIMIT_REGISTER_BURST", "1000000",
            "CCP_SECURITY_RATE_LIMIT_MAX_CONNECTIONS_PER_ADDRESS", "1000000",
            "CCP_SECURITY_RATE_LIMIT_FAILURE_RECORDS_PER_INTERVAL", "1000000");

    final String schema;
    final PostgresProxy postgres;
    final PrivateRedis redis;
    final List<NodeProcess> nodes;
    final Balancer balancer;
    private final String postgresUrl;
    private boolean closed;

    private Cluster(String schema, String postgresUrl, PostgresProxy postgres, PrivateRedis redis,
            List<NodeProcess> nodes, Balancer balancer) {
        this.schema = schema;
        this.postgresUrl = postgresUrl;
        this.postgres = postgres;
        this.redis = redis;
        this.nodes = nodes;
        this.balancer = balancer;
    }

    /**
     * Starts everything; on failure, stops what it had started.
     *
     * @param postgresUrl a JDBC URL of the shared PostgreSQL ({@code jdbc:postgresql://host:port/db?...})
     */
    static Cluster start(Path work, String postgresUrl, String redisBinary, int nodeCount, String heap,
            List<String> jvmOptions, Consumer<String> progress) throws Exception {
        String schema = "ccp_soak_" + HexFormat.of().toHexDigits(new SecureRandom().nextLong());
        try (Connection c = DriverManager.getConnection(postgresUrl); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL is not reachable at " + postgresUrl + " (" + e.getMessage()
                    + "): start it on 127.0.0.1:5432 (trust auth, user postgres) or pass --postgres", e);
        }
        PostgresProxy proxy = null;
        PrivateRedis redis = null;
        List<NodeProcess> nodes = new ArrayList<>();
        Balancer balancer = null;
        try {
            URI target = URI.create(postgresUrl.substring("jdbc:".length()));
            proxy = new PostgresProxy(new InetSocketAddress(target.getHost(), target.getPort() < 0 ? 5432 : target.getPort()));
            redis = new PrivateRedis(redisBinary, work.resolve("redis"));
            redis.start();
            String dsn = viaProxy(postgresUrl, target, proxy.port()) + (postgresUrl.contains("?") ? "&" : "?")
                    + "currentSchema=" + schema;
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            Map<String, String> shared = new HashMap<>(GENEROUS_LIMITS);
            shared.put("CCP_STORAGE_POSTGRES_DSN", dsn);
            shared.put("CCP_STORAGE_REDIS_URL", redis.url());
            shared.put("CCP_CRYPTO_SECRETS_KEY", HexFormat.of().formatHex(key));
            // The first node makes the dev CA and TLS certificate and seals the server's keys in
            // PostgreSQL; the others present the same certificate and load the same keys.
            Map<String, String> first = new HashMap<>(shared);
            first.put("CCP_SERVER_NODE_ID", "soak-1");
            nodes.add(NodeProcess.create("node-1", work.resolve("node-1"), heap, jvmOptions, first));
            progress.accept("starting node-1 (PostgreSQL via proxy :" + proxy.port() + ", Redis " + redis.url() + ")");
            nodes.get(0).start();
            Path dir1 = nodes.get(0).directory();
            shared.put("CCP_SERVER_TLS_CERT", dir1.resolve("tls-cert.pem").toString());
            shared.put("CCP_SERVER_TLS_KEY", dir1.resolve("tls-key.pem").toString());
            for (int i = 2; i <= nodeCount; i++) {
                Map<String, String> settings = new HashMap<>(shared);
                settings.put("CCP_SERVER_NODE_ID", "soak-" + i);
                nodes.add(NodeProcess.create("node-" + i, work.resolve("node-" + i), heap, jvmOptions, settings));
            }
            progress.accept("starting node-2 .. node-" + nodeCount);
            List<CompletableFuture<Void>> starts = new ArrayList<>();
            for (NodeProcess node : nodes.subList(1, nodes.size())) {
                starts.add(CompletableFuture.runAsync(() -> {
                    try {
                        node.start();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                }));
            }
            CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).join();
            balancer = new Balancer(nodes);
            return new Cluster(schema, postgresUrl, proxy, redis, nodes, balancer);
        } catch (Exception | Error e) {
            new Cluster(schema, postgresUrl, proxy, redis, nodes, balancer).close();
            throw e;
        }
    }

    private static String viaProxy(String url, URI target, int port) {
        String authority = target.getHost() + (target.getPort() < 0 ? "" : ":" + target.getPort());
        return url.replaceFirst("//" + java.util.regex.Pattern.quote(authority) + "/", "//127.0.0.1:" + port + "/");
    }

    /** Where devices connect: the balancer. */
    URI url() {
        return URI.create("https://127.0.0.1:" + balancer.port());
    }

    /** The dev CA every node's certificate chains to. */
    Path caFile() {
        return nodes.get(0).caFile();
    }

    /** The node with the most device connections now (the fault that hits hardest). */
    NodeProcess busiestNode() {
        int[] open = balancer.openConnections();
        int best = 0;
        for (int i = 1; i < open.length; i++) {
            if (open[i] > open[best]) {
                best = i;
            }
        }
        return nodes.get(best);
    }

    /** Connections per node, e.g. {@code node-1 9, node-2 10, node-3 8}. */
    String spread() {
        int[] open = balancer.openConnections();
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < open.length; i++) {
            parts.add(nodes.get(i).name() + " " + open[i]);
        }
        return String.join(", ", parts);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (balancer != null) {
            balancer.close();
        }
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (NodeProcess node : nodes) {
            stops.add(CompletableFuture.runAsync(() -> {
                try {
                    node.terminate(15);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).join();
        if (redis != null) {
            try {
                redis.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (postgres != null) {
            postgres.close();
        }
        try (Connection c = DriverManager.getConnection(postgresUrl); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            System.err.println("[soak] could not drop schema " + schema + ": " + e.getMessage());
        }
    }
}
