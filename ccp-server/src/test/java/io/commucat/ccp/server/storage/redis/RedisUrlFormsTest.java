package io.commucat.ccp.server.storage.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.server.config.ConfigLoader;
import io.commucat.ccp.server.config.FlagOverride;
import io.commucat.ccp.server.datadir.DataDirectory;
import io.commucat.ccp.server.datadir.DataDirectoryBootstrap;
import io.commucat.ccp.server.storage.PresenceSnapshot;
import io.commucat.ccp.server.storage.StorageException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * The {@code storage.redis_url} forms a node supports (docs/scale-out.md), each against a
 * {@code redis-server} of this test's own configured for it: the node's presence (snapshot and
 * route) and its bus (subscribe, publish) work through exactly what {@code StorageBackends} makes
 * of the URL. The shared Redis is never given a password or TLS.
 */
@Timeout(120)
class RedisUrlFormsTest {

    private static final String PREFIX = "ccp-url-test:";
    private static final Duration TTL = Duration.ofMinutes(1);

    @TempDir
    Path dir;

    @Test
    void aPasswordAloneAuthenticatesPresenceAndBus() throws Exception {
        try (PrivateRedis redis = PrivateRedis.start(dir, "--requirepass", "s3cret")) {
            assertPresenceAndBusWork("redis://:s3cret@127.0.0.1:" + redis.port());
        }
    }

    @Test
    void anAclUserWithADatabaseIndexWorksAndWritesInThatDatabase() throws Exception {
        try (PrivateRedis redis = PrivateRedis.start(dir, "--requirepass", "admin-pw")) {
            try (Jedis admin = new Jedis(URI.create("redis://:admin-pw@127.0.0.1:" + redis.port()))) {
                admin.aclSetUser("ccp", "on", ">ccp-pw", "~" + PREFIX + "*", "&" + PREFIX + "*", "+@all");
            }
            String device = assertPresenceAndBusWork("redis://ccp:ccp-pw@127.0.0.1:" + redis.port() + "/5");

            try (Jedis admin = new Jedis(URI.create("redis://:admin-pw@127.0.0.1:" + redis.port() + "/5"))) {
                assertTrue(admin.exists(PREFIX + "presence:{" + device + "}"), "the presence is not in database 5");
            }
            try (Jedis admin = new Jedis(URI.create("redis://:admin-pw@127.0.0.1:" + redis.port() + "/0"))) {
                assertEquals(0, admin.dbSize(), "database 0 was written to");
            }
        }
    }

    @Test
    void aWrongPasswordLeavesPresenceUnavailable() throws Exception {
        try (PrivateRedis redis = PrivateRedis.start(dir, "--requirepass", "right");
                RedisPresence presence = RedisPresence.connect("redis://:wrong@127.0.0.1:" + redis.port(), PREFIX)) {
            assertFalse(presence.ping());
            StorageException e = assertThrows(StorageException.class,
                    () -> presence.setRoute("device-1", "node-a", TTL));
            assertEquals(StorageException.Kind.UNAVAILABLE, e.kind());
        }
    }

    @Test
    void rediss_connectsOverTlsToAServerTheJvmTrusts() throws Exception {
        Path data = devCertificates();
        try (PrivateRedis redis = PrivateRedis.startTls(dir.resolve("tls"), data.resolve(DataDirectory.TLS_CERT),
                data.resolve(DataDirectory.TLS_KEY))) {
            SSLContext previous = SSLContext.getDefault();
            // rediss:// checks the server against the JVM's default trust (an operator adds a
            // private CA with -Djavax.net.ssl.trustStore); this test sets it and puts it back.
            SSLContext.setDefault(trusting(data.resolve(DataDirectory.DEV_CA_CERT)));
            try {
                assertPresenceAndBusWork("rediss://127.0.0.1:" + redis.port());
            } finally {
                SSLContext.setDefault(previous);
            }
        }
    }

    @Test
    void rediss_refusesAServerTheJvmDoesNotTrust() throws Exception {
        Path data = devCertificates();
        try (PrivateRedis redis = PrivateRedis.startTls(dir.resolve("tls"), data.resolve(DataDirectory.TLS_CERT),
                data.resolve(DataDirectory.TLS_KEY));
                RedisPresence presence = RedisPresence.connect("rediss://127.0.0.1:" + redis.port(), PREFIX)) {
            assertFalse(presence.ping());
        }
    }

    /** Presence and bus over {@code url}; returns the device whose presence was published. */
    private static String assertPresenceAndBusWork(String url) throws Exception {
        String device = "device-" + UUID.randomUUID();
        String node = "node-" + UUID.randomUUID();
        try (RedisPresence presence = RedisPresence.connect(url, PREFIX)) {
            assertTrue(presence.ping(), "presence cannot reach Redis");
            PresenceSnapshot snapshot = new PresenceSnapshot(device, "user-1", "online", node,
                    Instant.parse("2026-12-05T06:00:00Z"));
            presence.publish(snapshot, TTL);
            presence.setRoute(device, node, TTL);
            assertEquals(Optional.of(snapshot), presence.find(device));
            assertEquals(Optional.of(node), presence.route(device));
        }
        try (RedisBus receiver = new RedisBus(url, null, PREFIX); RedisBus sender = new RedisBus(url, null, PREFIX)) {
            LinkedBlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
            receiver.subscribe(node, received::add);
            byte[] message = "hello over the bus".getBytes(StandardCharsets.UTF_8);
            sender.publish(node, message);
            assertArrayEquals(message, received.poll(10, TimeUnit.SECONDS));
            assertTrue(sender.ping());
            assertNull(received.poll(100, TimeUnit.MILLISECONDS));
        }
        return device;
    }

    /** A data directory's development CA and TLS certificate for 127.0.0.1 (what `ccp run` makes). */
    private Path devCertificates() throws Exception {
        Path data = dir.resolve("data");
        new DataDirectoryBootstrap().prepare(new ConfigLoader(Map.of(), w -> { }).load(Optional.empty(),
                List.of(new FlagOverride("server.data_dir", "--data", data.toString()))));
        return data;
    }

    private static SSLContext trusting(Path caPem) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }
}
