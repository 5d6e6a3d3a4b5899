package io.commucat.ccp.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.commucat.ccp.client.handshake.DeviceHandshake;
import io.commucat.ccp.client.handshake.DeviceHandshakeException;
import io.commucat.ccp.client.handshake.DeviceIdentity;
import io.commucat.ccp.client.handshake.EstablishedSession;
import io.commucat.ccp.client.handshake.UserHints;
import io.commucat.ccp.client.transport.DeviceConnection;
import io.commucat.ccp.client.transport.H2Connection;
import io.commucat.ccp.client.transport.H2Response;
import io.commucat.ccp.client.transport.H2Transport;
import io.commucat.ccp.crypto.Hex;
import io.commucat.ccp.crypto.cert.CertificateException;
import io.commucat.ccp.crypto.cert.DeviceCertificate;
import io.commucat.ccp.crypto.keys.DeviceKeyPair;
import io.commucat.ccp.crypto.keys.DeviceRotationProof;
import io.commucat.ccp.crypto.keys.PairingClaimProof;
import io.commucat.ccp.crypto.noise.NoiseKeyPair;
import io.commucat.ccp.crypto.noise.NoisePattern;
import java.io.IOException;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.Set;

/**
 * A device's client of one CCP server: its enrolment (register, pair with a code, issue codes,
 * list and revoke devices, rotate its key), with the device's identity kept in an {@link
 * IdentityStore}. Keys are made on the device; pairing proves possession of the key instead of
 * receiving one.
 *
 * <pre>{@code
 * try (CcpClient client = CcpClient.builder(URI.create("https://localhost:8443"))
 *         .trust(Trust.certificates(Path.of("ccp-data/dev-ca.pem")))
 *         .identityStore(new FileIdentityStore(Path.of("phone.json")))
 *         .build()) {
 *     client.register("alice").join();
 *     PairingCode code = client.issuePairingCode().join();
 * }
 * }</pre>
 *
 * <p>Threads: every operation returns at once; its work runs one operation after the other on
 * a pooled worker thread shared by all clients (threads exist only while some client works), and
 * its future completes on the callback executor (by default {@link ForkJoinPool#commonPool()}),
 * never on an I/O thread. Failures are {@link CcpException}s. Thread-safe. {@link #close()} ends
 * the client's sessions and connection.
 */
public final class CcpClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Threads for every client's blocking steps (identity store, awaiting answers); idle ones go after a minute. */
    private static final ExecutorService WORKERS = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
            new SynchronousQueue<>(), new ThreadFactory() {
                private final AtomicInteger count = new AtomicInteger();

                @Override
                public Thread newThread(Runnable task) {
                    Thread thread = new Thread(task, "ccp-client-worker-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                }
            });
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    /** A rotation request is valid this long; the server allows up to its {@code proof_ttl} (600 s by default). */
    private static final Duration ROTATION_PROOF_LIFETIME = Duration.ofMinutes(5);

    private final URI server;
    private final Trust trust;
    private final IdentityStore store;
    private final Executor callbacks;
    private final SecureRandom random = new SecureRandom();
    private final SerialExecutor worker = new SerialExecutor(WORKERS);
    private final ClientResources resources;
    private final CcpSession.Options sessionOptions;
    /** Every bootstrap's pattern, or null: XK until a bootstrap proved the cached server key, then IK. */
    private final NoisePattern pattern;
    private final Set<CcpSession> sessions = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    // Worker thread only.
    private H2Transport transport;
    private H2Connection connection;
    private JsonNode serverInfo;
    /** A bootstrap with the cached server key succeeded: the next one may use IK (one round trip fewer). */
    private boolean serverKeyConfirmed;
    private NoisePattern lastPattern;
    /** When the server said its Noise key rotates: the cached server-info is stale after it. */
    private Instant noiseRotatesAt;
    private DeviceConnection session;
    private String token;
    /** {@link #close()} ran: the transport and its event loop are gone. */
    private boolean shutDown;

    private CcpClient(Builder builder) {
        this.server = builder.server;
        this.trust = builder.trust;
        this.store = builder.store;
        this.callbacks = builder.callbacks;
        this.resources = builder.resources;
        this.sessionOptions = new CcpSession.Options(builder.deduplication, builder.backoffInitial,
                builder.backoffMax, builder.maxOutstanding);
        this.pattern = builder.pattern;
    }

    /** A client of the server at {@code server} ({@code https://host[:port]}). */
    public static Builder builder(URI server) {
        return new Builder(server);
    }

    /**
     * Makes a new device identity, registers it for the user {@code handle} (the user is created
     * when the server's auto-approval allows it) and stores it.
     *
     * @return fails with {@link CcpException.Kind#HANDSHAKE} when the server wants pairing instead
     */
    public CompletableFuture<Enrolment> register(String handle) {
        Objects.requireNonNull(handle, "handle");
        return run(() -> {
            requireNoIdentity();
            byte[] id = new byte[12];
            random.nextBytes(id);
            DeviceIdentity device = new DeviceIdentity("dev-" + Hex.encode(id), DeviceKeyPair.generate(random),
                    NoiseKeyPair.generate(random), null);
            EstablishedSession established = bootstrap(device, UserHints.handle(handle));
            save(new StoredIdentity(device.withCertificate(established.certificate()), established.userId()));
            return new Enrolment(device.deviceId(), established.userId());
        });
    }

    /**
     * Joins the user who issued {@code code} as a new device: a key pair is made here and the
     * claim proves possession of it. A server in the original's compatibility mode that returns
     * a key of its own instead is followed (the stored identity then holds the server's key).
     */
    public CompletableFuture<Enrolment> pair(String code) {
        return pair(code, null);
    }

    /** As {@link #pair(String)}, naming the new device ({@code deviceName} may be null). */
    public CompletableFuture<Enrolment> pair(String code, String deviceName) {
        Objects.requireNonNull(code, "code");
        return run(() -> {
            requireNoIdentity();
            DeviceKeyPair key = DeviceKeyPair.generate(random);
            Map<String, Object> claim = new LinkedHashMap<>();
            claim.put("pair_code", code);
            if (deviceName != null) {
                claim.put("device_name", deviceName);
            }
            claim.put("device_public", Hex.encode(key.publicKey()));
            claim.put("proof", Hex.encode(PairingClaimProof.sign(key, code)));
            JsonNode answer = call("pair", "POST", "/api/pair/claim", null, claim);
            if (answer.hasNonNull("private_key")) {
                // The original ignores device_public and makes the key itself (rest.md).
                key = DeviceKeyPair.fromSecretKey(Hex.decode(answer.get("private_key").asText()));
            }
            DeviceCertificate certificate = null;
            if (answer.hasNonNull("device_certificate")) {
                try {
                    certificate = DeviceCertificate.fromJson(answer.get("device_certificate"));
                } catch (CertificateException e) {
                    throw new CcpException(CcpException.Kind.PROTOCOL, "pair: the certificate does not parse", e);
                }
            }
            DeviceIdentity device = new DeviceIdentity(required(answer, "device_id", "pair"), key,
                    NoiseKeyPair.generate(random), certificate);
            String userId = required(answer, "user_id", "pair");
            save(new StoredIdentity(device, userId));
            return new Enrolment(device.deviceId(), userId);
        });
    }

    /** A code another device of this device's user claims to join ({@code POST /api/pair}). */
    public CompletableFuture<PairingCode> issuePairingCode() {
        return run(() -> {
            JsonNode answer = authenticated("issue a pairing code", "POST", "/api/pair", null);
            return new PairingCode(required(answer, "pair_code", "issue a pairing code"),
                    instant(answer, "expires_at"));
        });
    }

    /** This device's user's devices ({@code GET /api/devices}). */
    public CompletableFuture<List<DeviceInfo>> devices() {
        return run(() -> {
            JsonNode answer = authenticated("list devices", "GET", "/api/devices", null);
            List<DeviceInfo> devices = new ArrayList<>();
            for (JsonNode d : answer.path("devices")) {
                devices.add(new DeviceInfo(d.path("device_id").asText(), d.path("status").asText(),
                        d.path("current").asBoolean(), d.path("online").asBoolean(),
                        d.hasNonNull("name") ? d.get("name").asText() : null, instant(d, "created_at"),
                        d.hasNonNull("last_seen") ? instant(d, "last_seen") : null));
            }
            return List.copyOf(devices);
        });
    }

    /** Revokes another device of this device's user: its sessions end everywhere at once. */
    public CompletableFuture<Void> revoke(String deviceId) {
        Objects.requireNonNull(deviceId, "deviceId");
        return run(() -> {
            authenticated("revoke " + deviceId, "POST", "/api/devices/revoke", Map.of("device_id", deviceId));
            return null;
        });
    }

    /**
     * Replaces this device's key ({@code POST /api/device/csr}): a new key pair is made here,
     * the request is signed with the current one, and the stored identity takes the new key and
     * its certificate. The next bootstrap uses the new key.
     */
    public CompletableFuture<Void> rotateKey() {
        return run(() -> {
            StoredIdentity current = requireIdentity();
            DeviceKeyPair next = DeviceKeyPair.generate(random);
            Instant expires = Instant.now().plus(ROTATION_PROOF_LIFETIME);
            byte[] nonce = new byte[16];
            random.nextBytes(nonce);
            byte[] signature = DeviceRotationProof.sign(current.device().deviceKey(), current.deviceId(),
                    next.publicKey(), expires.getEpochSecond(), nonce);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("public_key", Hex.encode(next.publicKey()));
            body.put("signature", Hex.encode(signature));
            body.put("expires_at", expires.toString());
            body.put("nonce", Hex.encode(nonce));
            JsonNode answer = authenticated("rotate the key", "POST", "/api/device/csr", body);
            DeviceCertificate certificate;
            try {
                certificate = DeviceCertificate.fromJson(answer.path("certificate"));
            } catch (CertificateException e) {
                throw new CcpException(CcpException.Kind.PROTOCOL, "rotate the key: the certificate does not parse", e);
            }
            DeviceIdentity device = current.device();
            save(new StoredIdentity(new DeviceIdentity(device.deviceId(), next, device.noiseKey(), certificate),
                    current.userId()));
            endSession(); // its key is the old one
            return null;
        });
    }

    /**
     * Starts a session of the stored identity: the §3 bootstrap, then frames both ways, with
     * keepalive, reconnect and resume (see {@link CcpSession}). The future completes when the
     * first bootstrap succeeds, or fails with why it did not (no reconnect before a first
     * success). The session's token also serves this client's REST calls while it lasts (a
     * device holds one session at a time: a second would replace it).
     *
     * @param listener hears the session's messages, frames, state changes and end; a {@link
     *     MessagePublisher} turns them into a {@code Flow.Publisher}
     */
    public CompletableFuture<CcpSession> connect(SessionListener listener) {
        Objects.requireNonNull(listener, "listener");
        if (closed) {
            return CompletableFuture.failedFuture(new CcpException(CcpException.Kind.CLOSED, "the client is closed", null));
        }
        CcpSession created = new CcpSession(listener, callbacks, new SessionConnector(), sessionOptions);
        sessions.add(created);
        created.closed().whenComplete((ok, error) -> sessions.remove(created));
        return created.start();
    }

    /** How this client's sessions get their links. */
    private final class SessionConnector implements CcpSession.Connector {
        @Override
        public CompletableFuture<EstablishedSession> open(DeviceConnection.Listener link,
                java.util.function.Consumer<DeviceConnection> started) {
            return run(() -> {
                StoredIdentity identity = requireIdentity();
                EstablishedSession established = bootstrap(identity.device(),
                        new UserHints(identity.userId(), null, null, null), link, started);
                keepCertificate(identity, established);
                return established;
            });
        }

        @Override
        public void release(DeviceConnection connection) {
            run(() -> {
                if (session == connection) {
                    endSession();
                } else if (!shutDown) {
                    connection.endUpstream();
                }
                return null;
            });
        }

        @Override
        public void abandon(DeviceConnection connection) {
            run(() -> {
                if (session == connection) {
                    session = null;
                    token = null;
                }
                // A PING went unanswered: the TCP connection under the link is as dead as the link.
                connection.closeConnection();
                return null;
            });
        }
    }

    /** The stored identity, if any (reads the store). */
    public CompletableFuture<Optional<StoredIdentity>> identity() {
        return run(this::loadIdentity);
    }

    /**
     * Closes this client's sessions (each lets its listener finish what arrived, for up to a few
     * seconds), then its connection; later operations fail with {@link CcpException.Kind#CLOSED}.
     * Shared {@link ClientResources} stay open.
     */
    @Override
    public void close() {
        List<CompletableFuture<Void>> ending = new ArrayList<>();
        for (CcpSession open : sessions) {
            open.close();
            ending.add(open.closed());
        }
        try {
            CompletableFuture.allOf(ending.toArray(CompletableFuture[]::new)).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // Closing anyway.
        }
        CompletableFuture<Void> done = run(() -> {
            shutDown = true;
            // The end of the stream goes out before the connection and its event loop close.
            try {
                endSession().get(1, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // The stream is gone already; closing the connection ends it anyway.
            }
            if (connection != null) {
                connection.close();
            }
            if (transport != null) {
                transport.close();
            }
            return null;
        });
        closed = true;
        try {
            done.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // Closing anyway.
        }
    }

    // ---- the worker's side ----

    private <T> CompletableFuture<T> run(Callable<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (closed) {
            result.completeExceptionally(new CcpException(CcpException.Kind.CLOSED, "the client is closed", null));
            return result;
        }
        try {
            worker.execute(() -> {
                if (shutDown) {
                    callbacks.execute(() -> result.completeExceptionally(
                            new CcpException(CcpException.Kind.CLOSED, "the client is closed", null)));
                    return;
                }
                try {
                    T value = work.call();
                    callbacks.execute(() -> result.complete(value));
                } catch (Throwable e) {
                    CcpException failure = e instanceof CcpException c ? c
                            : new CcpException(CcpException.Kind.PROTOCOL, "unexpected failure: " + e, e);
                    callbacks.execute(() -> result.completeExceptionally(failure));
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new CcpException(CcpException.Kind.CLOSED, "the client is closed", e));
        }
        return result;
    }

    private Optional<StoredIdentity> loadIdentity() {
        try {
            return store.load();
        } catch (IOException e) {
            throw new CcpException(CcpException.Kind.STORE, "cannot read the identity: " + e.getMessage(), e);
        }
    }

    private StoredIdentity requireIdentity() {
        return loadIdentity().orElseThrow(() -> new CcpException(CcpException.Kind.NO_IDENTITY,
                "no device identity stored yet: register or pair first", null));
    }

    private void requireNoIdentity() {
        if (loadIdentity().isPresent()) {
            throw new CcpException(CcpException.Kind.STORE,
                    "the identity store holds a device already; use another store for another device", null);
        }
    }

    private void save(StoredIdentity identity) {
        try {
            store.save(identity);
        } catch (IOException e) {
            throw new CcpException(CcpException.Kind.STORE, "cannot write the identity: " + e.getMessage(), e);
        }
    }

    private H2Connection connection() {
        if (connection != null && connection.isActive()) {
            return connection;
        }
        endSession();
        if (transport == null) {
            int port = server.getPort() < 0 ? 443 : server.getPort();
            H2Transport.Builder builder = H2Transport.builder(server.getHost(), port).threads(1);
            if (resources != null) {
                builder.eventLoopGroup(resources.group());
            }
            if (trust instanceof Trust.Certificates certificates) {
                builder.trustCertificates(certificates.pemFile());
            } else {
                builder.trustSystemStore();
            }
            try {
                transport = builder.build();
            } catch (IOException | RuntimeException e) {
                throw new CcpException(CcpException.Kind.UNREACHABLE, "cannot set up TLS: " + e.getMessage(), e);
            }
        }
        connection = await(transport.connect(), "connect to " + server);
        return connection;
    }

    private JsonNode serverInfo() {
        if (serverInfo == null) {
            serverInfo = call("read server-info", "GET", "/api/server-info", null, null);
        }
        return serverInfo;
    }

    private EstablishedSession bootstrap(DeviceIdentity device, UserHints hints) {
        return bootstrap(device, hints, null, connection -> { });
    }

    /** The Noise pattern of the last successful bootstrap (for tests and diagnostics). */
    CompletableFuture<NoisePattern> lastPattern() {
        return run(() -> lastPattern);
    }

    /**
     * Bootstraps a new session, ending this client's previous one (a device has one session at a
     * time). XK with a freshly fetched server key; IK (one round trip fewer) once a bootstrap
     * proved the cached key. A refused IK may mean the server rotated its Noise key: the key is
     * fetched again and XK tried at once.
     *
     * @param started told of the new connection before the bootstrap completes, so frames that
     *     arrive right after the server's Ack (queued envelopes) can already be answered
     */
    private EstablishedSession bootstrap(DeviceIdentity device, UserHints hints, DeviceConnection.Listener listener,
            java.util.function.Consumer<DeviceConnection> started) {
        if (noiseRotatesAt != null && Instant.now().isAfter(noiseRotatesAt)) {
            forgetServerKey(); // announced rotation: the cached key may be gone soon
        }
        NoisePattern pattern = this.pattern != null ? this.pattern
                : serverKeyConfirmed ? NoisePattern.IK : NoisePattern.XK;
        if (pattern == NoisePattern.XK) {
            return bootstrapWith(pattern, device, hints, listener, started);
        }
        // The failed IK attempt's end must not reach the listener, which goes on with the XK one.
        AttemptGate gate = new AttemptGate(listener);
        try {
            return bootstrapWith(pattern, device, hints, gate, attempt -> {
                gate.attempt = attempt;
                started.accept(attempt);
            });
        } catch (CcpException e) {
            if (e.kind() != CcpException.Kind.HANDSHAKE) {
                throw e;
            }
            gate.shut();
            forgetServerKey();
            return bootstrapWith(NoisePattern.XK, device, hints, listener, started);
        }
    }

    /** Passes one bootstrap attempt's events on until it is shut. */
    private static final class AttemptGate extends DeviceConnection.Listener {
        private final DeviceConnection.Listener target;
        private volatile boolean shut;
        volatile DeviceConnection attempt;

        AttemptGate(DeviceConnection.Listener target) {
            this.target = target == null ? new DeviceConnection.Listener() { } : target;
        }

        void shut() {
            shut = true;
        }

        @Override
        public void onBootstrapFrame(io.commucat.ccp.proto.Frame frame) {
            if (!shut) {
                target.onBootstrapFrame(frame);
            }
        }

        @Override
        public void onFrame(io.commucat.ccp.proto.Frame frame) {
            if (!shut) {
                target.onFrame(frame);
            }
        }

        @Override
        public void onClosed(io.commucat.ccp.client.transport.StreamClosure closure, Throwable failure) {
            // A failed bootstrap has failed its established() before its stream reports the end.
            boolean failed = attempt != null && attempt.established().isCompletedExceptionally();
            if (!shut && !failed) {
                target.onClosed(closure, failure);
            }
        }
    }

    private EstablishedSession bootstrapWith(NoisePattern pattern, DeviceIdentity device, UserHints hints,
            DeviceConnection.Listener listener, java.util.function.Consumer<DeviceConnection> started) {
        JsonNode info = serverInfo();
        DeviceHandshake handshake = new DeviceHandshake(device, info.path("domain").asText(),
                Hex.decode(info.path("noise_public").asText()), DeviceHandshake.defaultPrologue(), pattern,
                hints, random);
        endSession();
        session = DeviceConnection.start(connection(), handshake, listener);
        started.accept(session);
        EstablishedSession established = await(session.established(), "bootstrap");
        token = established.session();
        serverKeyConfirmed = true;
        lastPattern = pattern;
        noiseRotatesAt = null;
        if (established.ack().hasNonNull("noise_rotates_at")) {
            try {
                noiseRotatesAt = Instant.parse(established.ack().get("noise_rotates_at").asText());
            } catch (DateTimeParseException e) {
                // Not ours to judge: the key is fetched again when a bootstrap is refused.
            }
        }
        return established;
    }

    private void forgetServerKey() {
        serverInfo = null;
        serverKeyConfirmed = false;
        noiseRotatesAt = null;
    }

    /** A renewed certificate (the server issues one when the stored one is missing or old) is kept. */
    private void keepCertificate(StoredIdentity identity, EstablishedSession established) {
        if (established.certificate() != null && !established.certificate().equals(identity.device().certificate())) {
            save(new StoredIdentity(identity.device().withCertificate(established.certificate()), established.userId()));
        }
    }

    /** Ends this client's session, if any; completes when the end of its upstream is written. */
    private CompletableFuture<Void> endSession() {
        CompletableFuture<Void> ended = CompletableFuture.completedFuture(null);
        if (session != null) {
            ended = session.endUpstream();
            session = null;
        }
        token = null;
        return ended;
    }

    /** A REST call with this device's session token; a 401 (an expired session) bootstraps once more. */
    private JsonNode authenticated(String operation, String method, String path, Object body) {
        for (int attempt = 0; ; attempt++) {
            if (token == null) {
                StoredIdentity identity = requireIdentity();
                EstablishedSession established = bootstrap(identity.device(),
                        new UserHints(identity.userId(), null, null, null));
                keepCertificate(identity, established);
            }
            try {
                return call(operation, method, path, token, body);
            } catch (CcpException e) {
                if (e.kind() == CcpException.Kind.REFUSED && e.status() == 401 && attempt == 0) {
                    endSession();
                    continue;
                }
                throw e;
            }
        }
    }

    private JsonNode call(String operation, String method, String path, String bearer, Object body) {
        Map<String, String> headers = new HashMap<>();
        if (bearer != null) {
            headers.put("authorization", "Bearer " + bearer);
        }
        byte[] bytes = new byte[0];
        if (body != null) {
            headers.put("content-type", "application/json");
            try {
                bytes = JSON.writeValueAsBytes(body);
            } catch (IOException e) {
                throw new IllegalStateException("cannot write a request body", e);
            }
        }
        H2Response response = await(connection().request(method, path, headers, bytes), operation);
        JsonNode json;
        try {
            json = response.body().length == 0 ? JSON.missingNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            json = JSON.missingNode();
        }
        if (response.status() / 100 == 2) {
            return json;
        }
        throw CcpException.refused(operation, response.status(), json.path("title").asText(""),
                json.hasNonNull("detail") ? json.get("detail").asText() : null, retryAfter(response));
    }

    private static Duration retryAfter(H2Response response) {
        String value = response.header("retry-after");
        if (value == null) {
            return null;
        }
        try {
            return Duration.ofSeconds(Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String required(JsonNode answer, String field, String operation) {
        JsonNode value = answer.get(field);
        if (value == null || !value.isTextual()) {
            throw new CcpException(CcpException.Kind.PROTOCOL, operation + ": the answer has no " + field, null);
        }
        return value.asText();
    }

    private static Instant instant(JsonNode answer, String field) {
        try {
            return Instant.parse(answer.path(field).asText());
        } catch (DateTimeParseException e) {
            return java.time.OffsetDateTime.parse(answer.path(field).asText()).toInstant();
        }
    }

    private static <T> T await(CompletableFuture<T> future, String what) {
        try {
            return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof DeviceHandshakeException refusal) {
                throw new CcpException(CcpException.Kind.HANDSHAKE, what + ": " + refusal.getMessage(), refusal);
            }
            throw new CcpException(CcpException.Kind.UNREACHABLE, what + ": " + cause, cause);
        } catch (TimeoutException e) {
            throw new CcpException(CcpException.Kind.UNREACHABLE, what + ": no answer within " + TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CcpException(CcpException.Kind.CLOSED, what + ": interrupted", e);
        }
    }

    /** Settings of a {@link CcpClient}. Required: the server (given to {@link CcpClient#builder}) and an identity store. */
    public static final class Builder {
        private final URI server;
        private Trust trust = Trust.systemStore();
        private IdentityStore store;
        private Executor callbacks = ForkJoinPool.commonPool();
        private ClientResources resources;
        private Deduplication deduplication = Deduplication.redeliveries();
        private Duration backoffInitial = Duration.ofMillis(500);
        private Duration backoffMax = Duration.ofSeconds(30);
        private int maxOutstanding = 10_000;
        private NoisePattern pattern;

        private Builder(URI server) {
            Objects.requireNonNull(server, "server");
            if (!"https".equalsIgnoreCase(server.getScheme()) || server.getHost() == null) {
                throw new IllegalArgumentException("the server must be an https:// URI with a host: " + server);
            }
            this.server = server;
        }

        /** Which certificates to trust; default {@link Trust#systemStore()}. */
        public Builder trust(Trust trust) {
            this.trust = Objects.requireNonNull(trust, "trust");
            return this;
        }

        /** Where the device's identity is kept (e.g. a {@link FileIdentityStore}). */
        public Builder identityStore(IdentityStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /** Where futures complete; default {@link ForkJoinPool#commonPool()}. Never an I/O thread. */
        public Builder callbackExecutor(Executor executor) {
            this.callbacks = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /** I/O threads shared with other clients (not owned: close them after the clients). */
        public Builder resources(ClientResources resources) {
            this.resources = Objects.requireNonNull(resources, "resources");
            return this;
        }

        /** How sessions keep a message from reaching the application twice; default {@link Deduplication#redeliveries()}. */
        public Builder deduplication(Deduplication deduplication) {
            this.deduplication = Objects.requireNonNull(deduplication, "deduplication");
            return this;
        }

        /**
         * The reconnect backoff: attempt n waits a random time up to min(max, initial × 2ⁿ);
         * default 500 ms and 30 s. A refused bootstrap waits longer (from 4 × initial, up to 5 minutes).
         */
        public Builder reconnectBackoff(Duration initial, Duration max) {
            if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("need 0 < initial <= max: " + initial + ", " + max);
            }
            this.backoffInitial = initial;
            this.backoffMax = max;
            return this;
        }

        /**
         * How many join/leave/send requests of a session may wait for the server's answer before
         * more fail at once with {@link CcpException.Kind#OVERLOADED}; default 10 000.
         */
        public Builder maxOutstandingRequests(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("max must be at least 1: " + max);
            }
            this.maxOutstanding = max;
            return this;
        }

        /**
         * Bootstraps with {@code pattern} every time instead of choosing: by default a client
         * uses XK (the server key fetched from {@code /api/server-info}) until a bootstrap has
         * proved that key, and IK (one round trip fewer) after. With IK a refused bootstrap is
         * still tried once more with XK and a freshly fetched key (the server may have rotated
         * it). For measurements and diagnostics; devices keep the default.
         */
        public Builder noisePattern(NoisePattern pattern) {
            this.pattern = Objects.requireNonNull(pattern, "pattern");
            return this;
        }

        public CcpClient build() {
            if (store == null) {
                throw new IllegalStateException("an identity store is required");
            }
            return new CcpClient(this);
        }
    }
}
