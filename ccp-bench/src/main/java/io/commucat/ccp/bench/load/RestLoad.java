package io.commucat.ccp.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.commucat.ccp.client.handshake.DeviceHandshake;
import io.commucat.ccp.client.handshake.DeviceIdentity;
import io.commucat.ccp.client.handshake.EstablishedSession;
import io.commucat.ccp.client.handshake.UserHints;
import io.commucat.ccp.client.transport.DeviceConnection;
import io.commucat.ccp.client.transport.H2Connection;
import io.commucat.ccp.client.transport.H2Response;
import io.commucat.ccp.client.transport.H2Transport;
import io.commucat.ccp.crypto.Hex;
import io.commucat.ccp.crypto.keys.DeviceKeyPair;
import io.commucat.ccp.crypto.keys.Ed25519Signatures;
import io.commucat.ccp.crypto.keys.PairingClaimProof;
import io.commucat.ccp.crypto.noise.NoiseKeyPair;
import io.commucat.ccp.crypto.noise.NoisePattern;
import io.commucat.ccp.server.datadir.DataDirectory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * REST figures of issue #16 against an in-process node:
 * <ul>
 *   <li>{@code --hold SECONDS}: registers one device, writes its session token and the node's
 *       port to {@code --token-file}, and keeps the node up so that h2load can compare
 *       authenticated {@code GET /api/devices} with {@code /healthz} (docs/benchmarks.md);</li>
 *   <li>then pairing claims per second: {@code --claims N} codes are issued by admin enrolment
 *       and claimed with device-held keys, {@code --concurrency C} claims in flight on one
 *       HTTP/2 connection, beside the rate of Ed25519 verifications on one thread of this
 *       process (the proof check each claim costs).</li>
 * </ul>
 * {@code --postgres JDBC_URL} (e.g. {@code jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres})
 * runs the node on PostgreSQL, in a schema of its own that is dropped at the end, instead of the
 * embedded H2 file.
 */
public final class RestLoad {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private RestLoad() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        int claims = Integer.parseInt(options.getOrDefault("--claims", "2000"));
        int concurrency = Integer.parseInt(options.getOrDefault("--concurrency", "32"));
        int hold = Integer.parseInt(options.getOrDefault("--hold", "0"));
        Map<String, String> overrides = new HashMap<>();
        overrides.put("CCP_SECURITY_RATE_LIMIT_PAIRING_BURST", "1000000");
        overrides.put("CCP_PAIRING_MAX_LIVE_CODES", "1000");
        RelayLoad.Postgres pg = null;
        if (options.containsKey("--postgres")) {
            // A schema of its own, dropped at the end, as RelayLoad does.
            pg = new RelayLoad.Postgres(options.get("--postgres"), "ccp_rest_" + Long.toHexString(RANDOM.nextLong()));
            pg.createSchema();
            overrides.put("CCP_STORAGE_POSTGRES_DSN", pg.dsn());
            byte[] secretsKey = new byte[32];
            RANDOM.nextBytes(secretsKey);
            overrides.put("CCP_CRYPTO_SECRETS_KEY", Hex.encode(secretsKey));
        }
        try {
            run(overrides, options, claims, concurrency, hold);
        } finally {
            if (pg != null) {
                pg.dropSchema();
            }
        }
    }

    private static void run(Map<String, String> overrides, Map<String, String> options, int claims, int concurrency,
            int hold) throws Exception {
        try (EmbeddedNode node = EmbeddedNode.start(overrides);
                H2Transport transport = H2Transport.builder("127.0.0.1", node.port()).trustCertificates(node.devCa())
                        .build()) {
            H2Connection connection = transport.connect().get(10, TimeUnit.SECONDS);
            String adminToken = Files.readString(node.data().root().resolve(DataDirectory.ADMIN_TOKEN)).trim();
            if (hold > 0) {
                String token = register(node, connection);
                Path tokenFile = Path.of(options.getOrDefault("--token-file", "rest-load.token"));
                // A throwaway device's token, but a token: readable by its owner only.
                Files.deleteIfExists(tokenFile);
                Files.createFile(tokenFile, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
                Files.writeString(tokenFile, token + "\n" + node.port() + "\n");
                System.out.printf("node on 127.0.0.1:%d, a device's session token in %s; holding %d s%n", node.port(),
                        tokenFile, hold);
                Thread.sleep(TimeUnit.SECONDS.toMillis(hold));
            }
            claimRun(connection, adminToken, claims, concurrency);
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        return options;
    }

    /** A new device (auto-approval, a user of its own) bootstrapped; its session token. */
    private static String register(EmbeddedNode node, H2Connection connection) throws Exception {
        JsonNode info = JSON.readTree(connection.get("/api/server-info").get(10, TimeUnit.SECONDS).body());
        byte[] id = new byte[8];
        RANDOM.nextBytes(id);
        DeviceIdentity identity = new DeviceIdentity("bench-" + Hex.encode(id), DeviceKeyPair.generate(RANDOM),
                NoiseKeyPair.generate(RANDOM), null);
        DeviceHandshake handshake = new DeviceHandshake(identity, node.domain(),
                Hex.decode(info.path("noise_public").asText()), node.prologue(), NoisePattern.XK,
                UserHints.handle(identity.deviceId()), RANDOM);
        EstablishedSession session = DeviceConnection.start(connection, handshake, null).established()
                .get(10, TimeUnit.SECONDS);
        return session.session();
    }

    private static void claimRun(H2Connection connection, String adminToken, int claims, int concurrency)
            throws Exception {
        // Codes first (not measured): admin enrolment of one user per code.
        List<String> codes = new ArrayList<>(claims);
        Map<String, String> admin = Map.of("authorization", "Bearer " + adminToken, "content-type", "application/json");
        String run = Long.toHexString(RANDOM.nextLong());
        for (int i = 0; i < claims; i++) {
            byte[] body = JSON.writeValueAsBytes(Map.of("handle", "bench-" + run + "-" + i));
            H2Response enrolled = connection.request("POST", "/api/admin/enroll", admin, body).get(10, TimeUnit.SECONDS);
            if (enrolled.status() != 200) {
                throw new IllegalStateException("enroll answered " + enrolled.status() + ": " + enrolled.bodyText());
            }
            codes.add(JSON.readTree(enrolled.body()).path("pair_code").asText());
        }
        // Claim bodies signed ahead, so the client's signing does not share the measured interval.
        List<byte[]> bodies = new ArrayList<>(claims);
        for (String code : codes) {
            DeviceKeyPair key = DeviceKeyPair.generate(RANDOM);
            Map<String, Object> claim = new LinkedHashMap<>();
            claim.put("pair_code", code);
            claim.put("device_public", Hex.encode(key.publicKey()));
            claim.put("proof", Hex.encode(PairingClaimProof.sign(key, code)));
            bodies.add(JSON.writeValueAsBytes(claim));
        }
        Map<String, String> json = Map.of("content-type", "application/json");
        Semaphore inFlight = new Semaphore(concurrency);
        List<CompletableFuture<H2Response>> answers = new ArrayList<>(claims);
        long start = System.nanoTime();
        for (byte[] body : bodies) {
            inFlight.acquire();
            CompletableFuture<H2Response> answer = connection.request("POST", "/api/pair/claim", json, body);
            answer.whenComplete((r, e) -> inFlight.release());
            answers.add(answer);
        }
        int ok = 0;
        for (CompletableFuture<H2Response> answer : answers) {
            if (answer.get(60, TimeUnit.SECONDS).status() == 200) {
                ok++;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double verifies = verifiesPerSecond();
        System.out.printf("pairing claims: %d of %d answered 200 in %.2f s = %.0f claims/s (concurrency %d)%n", ok,
                claims, seconds, ok / seconds, concurrency);
        System.out.printf("Ed25519 verifications on one thread of this process: %.0f /s; claims/s per verify/s = %.3f%n",
                verifies, ok / seconds / verifies);
    }

    /** Single-thread Ed25519 verifications per second, after a warm-up. */
    private static double verifiesPerSecond() {
        DeviceKeyPair key = DeviceKeyPair.generate(RANDOM);
        byte[] message = "ccp-pair-claim:ABCD2345".getBytes(StandardCharsets.US_ASCII);
        byte[] signature = key.sign(message);
        byte[] publicKey = key.publicKey();
        for (int i = 0; i < 5_000; i++) {
            Ed25519Signatures.verify(publicKey, message, signature);
        }
        int n = 20_000;
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            if (!Ed25519Signatures.verify(publicKey, message, signature)) {
                throw new IllegalStateException("verification failed");
            }
        }
        return n / ((System.nanoTime() - start) / 1e9);
    }
}
