package io.commucat.ccp.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.commucat.ccp.client.handshake.DeviceIdentity;
import io.commucat.ccp.client.handshake.EstablishedSession;
import io.commucat.ccp.client.handshake.UserHints;
import io.commucat.ccp.client.transport.DeviceConnection;
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
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A device's client of one CCP server: its enrolment (register, pair with a code, issue codes,
 * list and revoke devices, rotate its key) and its sessions ({@link #connect}), with the
 * device's identity kept in an {@link IdentityStore}. Keys are made on the device; pairing
 * proves possession of the key instead of receiving one.
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
 * <p>Threads: nothing blocks inside. Every operation returns a future at once; a client runs its
 * operations one after the other, and their futures complete on the callback executor (by
 * default {@link ForkJoinPool#commonPool()}), never on an I/O thread; {@code join()} is the
 * blocking form. The identity store is read and written, and keys are made, on a small worker
 * pool shared by all clients. Failures are {@link CcpException}s. Thread-safe. {@link #close()}
 * ends the client's sessions and connection.
 */
public final class CcpClient implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    /** A rotation request is valid this long; the server allows up to its {@code proof_ttl} (600 s by default). */
    private static final Duration ROTATION_PROOF_LIFETIME = Duration.ofMinutes(5);
    /** Threads for every client's short blocking steps (identity store, key generation); idle ones go after a minute. */
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

    private final IdentityStore store;
    private final Executor callbacks;
    private final SecureRandom random = new SecureRandom();
    private final ServerConnection server;
    private final CcpSession.Options sessionOptions;
    private final Set<CcpSession> sessions = ConcurrentHashMap.newKeySet();
    /** The last operation queued: the next one starts when it has finished. Guarded by this. */
    private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);
    /** Set by the first {@link #shutdown()}; completes when it has finished. Guarded by this. */
    private CompletableFuture<Void> termination;
    private volatile boolean closed;

    private CcpClient(Builder builder) {
        this.store = builder.store;
        this.callbacks = builder.callbacks;
        this.server = new ServerConnection(builder.server, builder.trust, builder.preference, builder.pattern,
                builder.resources, WORKERS, random, TIMEOUT, builder.webSocketFallbackAfter);
        this.sessionOptions = new CcpSession.Options(builder.deduplication, builder.backoffInitial,
                builder.backoffMax, builder.maxOutstanding);
    }

    /**
     * Settings for a client of the server at {@code server}.
     *
     * @param server {@code https://host[:port]}
     * @return a builder; {@link Builder#identityStore} is required
     */
    public static Builder builder(URI server) {
        return new Builder(server);
    }

    /**
     * Makes a new device identity, registers it for the user {@code handle} (the user is created
     * when the server's auto-approval allows it) and stores it.
     *
     * @return the new device and its user; fails with {@link CcpException.Kind#HANDSHAKE} when the
     *     server wants pairing instead
     */
    public CompletableFuture<Enrolment> register(String handle) {
        Objects.requireNonNull(handle, "handle");
        return operation("register", () -> blocking(() -> {
            requireNoIdentity();
            byte[] id = new byte[12];
            random.nextBytes(id);
            return new DeviceIdentity("dev-" + Hex.encode(id), DeviceKeyPair.generate(random),
                    NoiseKeyPair.generate(random), null);
        }).thenCompose(device -> server.bootstrap(device, UserHints.handle(handle), null, started -> { })
                .thenApplyAsync(established -> {
                    save(new StoredIdentity(device.withCertificate(established.certificate()), established.userId()));
                    return new Enrolment(device.deviceId(), established.userId());
                }, WORKERS)));
    }

    /**
     * Joins the user who issued {@code code} as a new device: a key pair is made here and the
     * claim proves possession of it. A server in the original's compatibility mode that returns
     * a key of its own instead is followed (the stored identity then holds the server's key).
     *
     * @return the new device and its user
     */
    public CompletableFuture<Enrolment> pair(String code) {
        return pair(code, null);
    }

    /**
     * As {@link #pair(String)}, naming the new device.
     *
     * @param deviceName shown in device lists; may be null
     * @return the new device and its user
     */
    public CompletableFuture<Enrolment> pair(String code, String deviceName) {
        Objects.requireNonNull(code, "code");
        return operation("pair", () -> blocking(() -> {
            requireNoIdentity();
            return DeviceKeyPair.generate(random);
        }).thenCompose(key -> {
            Map<String, Object> claim = new LinkedHashMap<>();
            claim.put("pair_code", code);
            if (deviceName != null) {
                claim.put("device_name", deviceName);
            }
            claim.put("device_public", Hex.encode(key.publicKey()));
            claim.put("proof", Hex.encode(PairingClaimProof.sign(key, code)));
            return server.call("pair", "POST", "/api/pair/claim", null, claim)
                    .thenApplyAsync(answer -> paired(answer, key), WORKERS);
        }));
    }

    private Enrolment paired(JsonNode answer, DeviceKeyPair made) {
        DeviceKeyPair key = made;
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
    }

    /**
     * A code another device of this device's user claims to join ({@code POST /api/pair}).
     *
     * @return the code and when it expires
     */
    public CompletableFuture<PairingCode> issuePairingCode() {
        return operation("issue a pairing code", () -> authenticated("issue a pairing code", "POST", "/api/pair", null)
                .thenApply(answer -> new PairingCode(required(answer, "pair_code", "issue a pairing code"),
                        instant(answer, "expires_at"))));
    }

    /**
     * This device's user's devices ({@code GET /api/devices}).
     *
     * @return the devices, this one marked {@link DeviceInfo#current()}
     */
    public CompletableFuture<List<DeviceInfo>> devices() {
        return operation("list devices", () -> authenticated("list devices", "GET", "/api/devices", null)
                .thenApply(answer -> {
                    List<DeviceInfo> devices = new ArrayList<>();
                    for (JsonNode d : answer.path("devices")) {
                        devices.add(new DeviceInfo(d.path("device_id").asText(), d.path("status").asText(),
                                d.path("current").asBoolean(), d.path("online").asBoolean(),
                                d.hasNonNull("name") ? d.get("name").asText() : null, instant(d, "created_at"),
                                d.hasNonNull("last_seen") ? instant(d, "last_seen") : null));
                    }
                    return List.copyOf(devices);
                }));
    }

    /**
     * Revokes another device of this device's user: its sessions end everywhere at once.
     *
     * @return completes when the server has revoked it
     */
    public CompletableFuture<Void> revoke(String deviceId) {
        Objects.requireNonNull(deviceId, "deviceId");
        return operation("revoke", () -> authenticated("revoke " + deviceId, "POST", "/api/devices/revoke",
                Map.of("device_id", deviceId)).thenApply(answer -> null));
    }

    /**
     * Replaces this device's key ({@code POST /api/device/csr}): a new key pair is made here,
     * the request is signed with the current one, and the stored identity takes the new key and
     * its certificate. The next bootstrap uses the new key: an open session's link is ended, and
     * the session reconnects with it.
     *
     * @return completes when the new key is stored
     */
    public CompletableFuture<Void> rotateKey() {
        return operation("rotate the key", () -> blocking(this::requireIdentity).thenCompose(current -> {
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
            return authenticated("rotate the key", "POST", "/api/device/csr", body).thenApplyAsync(answer -> {
                DeviceCertificate certificate;
                try {
                    certificate = DeviceCertificate.fromJson(answer.path("certificate"));
                } catch (CertificateException e) {
                    throw new CcpException(CcpException.Kind.PROTOCOL,
                            "rotate the key: the certificate does not parse", e);
                }
                DeviceIdentity device = current.device();
                save(new StoredIdentity(new DeviceIdentity(device.deviceId(), next, device.noiseKey(), certificate),
                        current.userId()));
                server.endSession(); // its key is the old one: an open session reconnects with the new key
                return null;
            }, WORKERS);
        }));
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
     * @return the established session
     */
    public CompletableFuture<CcpSession> connect(SessionListener listener) {
        Objects.requireNonNull(listener, "listener");
        if (closed) {
            return CompletableFuture.failedFuture(new CcpException(CcpException.Kind.CLOSED, "the client is closed", null));
        }
        return identity().thenCompose(stored -> {
            if (stored.isEmpty()) {
                return CompletableFuture.failedFuture(new CcpException(CcpException.Kind.NO_IDENTITY,
                        "no device identity stored yet: register or pair first", null));
            }
            CcpSession created = new CcpSession(stored.get().deviceId(), listener, callbacks, new SessionConnector(),
                    sessionOptions);
            sessions.add(created);
            created.closed().whenComplete((ok, error) -> sessions.remove(created));
            return created.start();
        });
    }

    /**
     * The stored identity, if any (reads the store).
     *
     * @return the identity, or empty before {@link #register} or {@link #pair}
     */
    public CompletableFuture<Optional<StoredIdentity>> identity() {
        return operation("read the identity", () -> blocking(this::loadIdentity));
    }

    /** The Noise pattern of the last successful bootstrap (for tests and diagnostics). */
    CompletableFuture<NoisePattern> lastPattern() {
        return operation("read the pattern", () -> CompletableFuture.completedFuture(server.lastPattern()));
    }

    /**
     * Starts closing this client without waiting: its sessions close (each lets its listener
     * finish what arrived), then its connection and, unless shared through {@link
     * ClientResources}, its I/O thread. Later operations fail with {@link
     * CcpException.Kind#CLOSED}. Idempotent.
     */
    public void shutdown() {
        CompletableFuture<Void> done;
        synchronized (this) {
            if (termination != null) {
                return;
            }
            termination = new CompletableFuture<>();
            done = termination;
        }
        List<CompletableFuture<Void>> ending = new ArrayList<>();
        for (CcpSession open : sessions) {
            open.close();
            ending.add(open.closed());
        }
        CompletableFuture.allOf(ending.toArray(CompletableFuture[]::new))
                .completeOnTimeout(null, TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((ok, error) -> {
                    CompletableFuture<Void> closing = operation("close", server::close);
                    closed = true;
                    closing.whenComplete((v, e) -> done.complete(null));
                });
    }

    /**
     * Waits until a {@link #shutdown()} has finished.
     *
     * @return whether it finished within {@code timeout}; false also when shutdown was never called
     * @throws InterruptedException when interrupted while waiting
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        CompletableFuture<Void> done;
        synchronized (this) {
            done = termination;
        }
        if (done == null) {
            return false;
        }
        try {
            done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            return true;
        } catch (TimeoutException e) {
            return false;
        }
    }

    /** {@link #shutdown()}, then waits up to 30 s for it to finish. */
    @Override
    public void close() {
        shutdown();
        try {
            awaitTermination(TIMEOUT.multipliedBy(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- operations ----

    /**
     * Queues an operation: it starts when the one before it has finished (the server connection
     * and the identity store see one operation at a time), and its future completes on the
     * callback executor.
     */
    private <T> CompletableFuture<T> operation(String what, Supplier<CompletableFuture<T>> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (closed) {
            result.completeExceptionally(new CcpException(CcpException.Kind.CLOSED, "the client is closed", null));
            return result;
        }
        CompletableFuture<T> done;
        synchronized (this) {
            // Started on the worker pool: whatever finished the operation before (an I/O thread,
            // say) does not run this one.
            done = tail.handle((ignored, error) -> null).thenComposeAsync(ignored -> {
                try {
                    return work.get();
                } catch (RuntimeException e) {
                    return CompletableFuture.failedFuture(e);
                }
            }, WORKERS);
            tail = done;
        }
        done.whenComplete((value, error) -> callbacks.execute(() -> {
            if (error == null) {
                result.complete(value);
            } else {
                CcpException failure = ServerConnection.failure(what, error);
                result.completeExceptionally(failure);
            }
        }));
        return result;
    }

    /** Runs a short blocking step (the identity store, key generation) on the worker pool. */
    private static <T> CompletableFuture<T> blocking(Supplier<T> step) {
        return CompletableFuture.supplyAsync(step, WORKERS);
    }

    private CompletableFuture<JsonNode> authenticated(String operation, String method, String path, Object body) {
        return server.authenticated(operation, method, path, body, this::requireIdentity);
    }

    /** How this client's sessions get their links: through the operation queue, one at a time. */
    private final class SessionConnector implements CcpSession.Connector {
        @Override
        public CompletableFuture<EstablishedSession> open(DeviceConnection.Listener link,
                Consumer<DeviceConnection> started) {
            return operation("bootstrap", () -> blocking(CcpClient.this::requireIdentity).thenCompose(identity ->
                    server.bootstrap(identity.device(), new UserHints(identity.userId(), null, null, null), link,
                            started).thenApplyAsync(established -> {
                                keepCertificate(identity, established);
                                return established;
                            }, WORKERS)));
        }

        @Override
        public void release(DeviceConnection connection) {
            operation("end a session", () -> {
                server.release(connection);
                return CompletableFuture.completedFuture(null);
            });
        }

        @Override
        public void abandon(DeviceConnection connection) {
            operation("drop a dead link", () -> {
                server.abandon(connection);
                return CompletableFuture.completedFuture(null);
            });
        }
    }

    // ---- the identity store (worker pool only) ----

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

    /** A renewed certificate (the server issues one when the stored one is missing or old) is kept. */
    private void keepCertificate(StoredIdentity identity, EstablishedSession established) {
        if (established.certificate() != null && !established.certificate().equals(identity.device().certificate())) {
            save(new StoredIdentity(identity.device().withCertificate(established.certificate()), established.userId()));
        }
    }

    // ---- answers ----

    private static String required(JsonNode answer, String field, String operation) {
        JsonNode value = answer.get(field);
        if (value == null || !value.isTextual()) {
            throw new CcpException(CcpException.Kind.PROTOCOL, operation + ": the answer has no " + field, null);
        }
        return value.asText();
    }

    private static Instant instant(JsonNode answer, String field) {
        String text = answer.path(field).asText();
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException again) {
                throw new CcpException(CcpException.Kind.PROTOCOL, "the answer's " + field + " is not a time: " + text,
                        again);
            }
        }
    }

    /**
     * Settings of a {@link CcpClient}. Required: the server (given to {@link CcpClient#builder})
     * and an identity store. Not thread-safe; {@link #build()} may be called more than once.
     */
    public static final class Builder {
        private final URI server;
        private Trust trust = Trust.systemStore();
        private IdentityStore store;
        private Executor callbacks = ForkJoinPool.commonPool();
        private ClientResources resources;
        private TransportPreference preference = TransportPreference.HTTP2_THEN_HTTP1;
        private NoisePattern pattern;
        private Deduplication deduplication = Deduplication.redeliveries();
        private Duration backoffInitial = Duration.ofMillis(500);
        private Duration backoffMax = Duration.ofSeconds(30);
        private int maxOutstanding = 10_000;
        private Duration webSocketFallbackAfter = Duration.ofSeconds(5);

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

        /**
         * Which HTTP versions to speak; default {@link TransportPreference#HTTP2_THEN_HTTP1}
         * (chunked HTTP/1.1 when the server, or a proxy that strips ALPN, does not negotiate h2).
         *
         * @param preference the protocols offered, in order
         * @return this builder
         */
        public Builder transportPreference(TransportPreference preference) {
            this.preference = Objects.requireNonNull(preference, "preference");
            return this;
        }

        /**
         * Bootstraps with {@code pattern} every time instead of choosing: by default a client
         * uses XK (the server key fetched from {@code /api/server-info}) until a bootstrap has
         * proved that key, and IK (one round trip fewer) after. With IK a refused bootstrap is
         * still tried once more with XK and a freshly fetched key (the server may have rotated
         * it). For measurements and diagnostics; devices keep the default.
         *
         * @param pattern {@code XK} or {@code IK}
         * @return this builder
         */
        public Builder noisePattern(NoisePattern pattern) {
            this.pattern = Objects.requireNonNull(pattern, "pattern");
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
         * How long a streaming {@code /connect} may go without the server's answer to the Hello
         * before the link is tried over WebSocket instead (see {@link TransportPreference});
         * default 5 s. Shorter than the client's own timeout, or it never fires.
         */
        public Builder webSocketFallbackAfter(Duration after) {
            if (after.isNegative() || after.isZero()) {
                throw new IllegalArgumentException("after must be positive: " + after);
            }
            this.webSocketFallbackAfter = after;
            return this;
        }

        /**
         * A new client with these settings; it connects on its first operation.
         *
         * @throws IllegalStateException without an identity store
         */
        public CcpClient build() {
            if (store == null) {
                throw new IllegalStateException("an identity store is required");
            }
            return new CcpClient(this);
        }
    }
}
