package io.commucat.ccp.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.commucat.ccp.client.handshake.DeviceHandshake;
import io.commucat.ccp.client.handshake.DeviceHandshakeException;
import io.commucat.ccp.client.handshake.DeviceIdentity;
import io.commucat.ccp.client.handshake.EstablishedSession;
import io.commucat.ccp.client.handshake.UserHints;
import io.commucat.ccp.client.transport.ConnectRefusedException;
import io.commucat.ccp.client.transport.DeviceConnection;
import io.commucat.ccp.client.transport.CertificatePinException;
import io.commucat.ccp.client.transport.ClientConnection;
import io.commucat.ccp.client.transport.ClientTransport;
import io.commucat.ccp.client.transport.H2Response;
import io.commucat.ccp.client.transport.StreamClosure;
import io.commucat.ccp.client.transport.TransportClosedException;
import io.commucat.ccp.crypto.Hex;
import io.commucat.ccp.crypto.noise.NoisePattern;
import io.commucat.ccp.proto.Frame;
import java.io.IOException;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A client's side of one server: the TLS connection, the cached {@code /api/server-info}, REST
 * calls, bootstraps and the device's current session and token. Nothing here blocks: every
 * method returns a future, and CPU work (key agreement, signatures) hops to the worker executor,
 * never staying on an I/O thread.
 *
 * <p>Not thread-safe on its own: its {@link CcpClient} calls it from one operation at a time
 * (its operation queue), which also orders the state changes made in the futures' stages.
 */
final class ServerConnection {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI server;
    private final Trust trust;
    private final TransportPreference preference;
    /** Every bootstrap's pattern, or null: XK until a bootstrap proved the cached server key, then IK. */
    private final NoisePattern pattern;
    private final ClientResources resources;
    private final Executor worker;
    private final SecureRandom random;
    private final Duration timeout;
    /** How long a streaming /connect may go without the server's Auth before WebSocket is tried. */
    private final Duration fallbackAfter;
    /** Links go over WebSocket: the preference says so, or a streaming /connect did not get through. */
    private boolean webSocket;

    private ClientTransport transport;
    private ClientConnection connection;
    /** What a bootstrap needs of {@code /api/server-info}: an idle client keeps two fields, not the answer's tree. */
    private record ServerKey(String domain, byte[] noisePublic) {
    }

    private ServerKey serverInfo;
    /** A bootstrap with the cached server key succeeded: the next one may use IK (one round trip fewer). */
    private boolean serverKeyConfirmed;
    /** When the server said its Noise key rotates: the cached server-info is stale after it. */
    private Instant noiseRotatesAt;
    private NoisePattern lastPattern;
    private DeviceConnection session;
    private String token;
    private boolean closed;

    ServerConnection(URI server, Trust trust, TransportPreference preference, NoisePattern pattern,
            ClientResources resources, Executor worker, SecureRandom random, Duration timeout, Duration fallbackAfter) {
        this.pattern = pattern;
        this.server = server;
        this.trust = trust;
        this.preference = preference;
        this.resources = resources;
        this.worker = worker;
        this.random = random;
        this.timeout = timeout;
        this.fallbackAfter = fallbackAfter;
        this.webSocket = preference == TransportPreference.WEBSOCKET_ONLY;
    }

    /** The token of the device's current session, if one is open. */
    String token() {
        return token;
    }

    /** The session the token belongs to, if any. */
    DeviceConnection session() {
        return session;
    }

    NoisePattern lastPattern() {
        return lastPattern;
    }

    // ---- the connection ----

    private CompletableFuture<ClientConnection> connection() {
        if (closed) {
            return CompletableFuture.failedFuture(new CcpException(CcpException.Kind.CLOSED, "the client is closed", null));
        }
        if (connection != null && connection.isActive()) {
            return CompletableFuture.completedFuture(connection);
        }
        endSession();
        if (transport == null) {
            ClientTransport.Builder builder = Transports.builder(server, trust, preference).threads(1);
            if (resources != null) {
                builder.eventLoopGroup(resources.group());
            }
            try {
                transport = builder.build();
            } catch (IOException | RuntimeException e) {
                return CompletableFuture.failedFuture(
                        new CcpException(CcpException.Kind.UNREACHABLE, "cannot set up TLS: " + e.getMessage(), e));
            }
        }
        return within(transport.connect(), "connect to " + server).thenApply(opened -> {
            connection = opened;
            return opened;
        });
    }

    /** The server's {@code /api/server-info}, fetched once and kept (until a bootstrap is refused). */
    private CompletableFuture<ServerKey> serverInfo() {
        if (serverInfo != null) {
            return CompletableFuture.completedFuture(serverInfo);
        }
        return call("read server-info", "GET", "/api/server-info", null, null).thenApply(info -> {
            String noisePublic = info.path("noise_public").asText("");
            if (noisePublic.length() != 64) {
                throw new CcpException(CcpException.Kind.PROTOCOL, "server-info has no 32-byte noise_public", null);
            }
            serverInfo = new ServerKey(info.path("domain").asText(), Hex.decode(noisePublic));
            return serverInfo;
        });
    }

    // ---- REST ----

    /** A REST call; a non-2xx answer fails with a {@link CcpException.Kind#REFUSED} built from its problem+json. */
    CompletableFuture<JsonNode> call(String operation, String method, String path, String bearer, Object body) {
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
                return CompletableFuture.failedFuture(new IllegalStateException("cannot write a request body", e));
            }
        }
        byte[] request = bytes;
        return connection()
                .thenCompose(c -> within(c.request(method, path, headers, request), operation))
                .thenApply(response -> answer(operation, response));
    }

    private static JsonNode answer(String operation, H2Response response) {
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

    /**
     * A REST call with the device's session token; without a session, or on a 401 (an expired
     * session), the device bootstraps once more with {@code identity}.
     */
    CompletableFuture<JsonNode> authenticated(String operation, String method, String path, Object body,
            Supplier<StoredIdentity> identity) {
        return withToken(identity).thenCompose(bearer -> call(operation, method, path, bearer, body))
                .exceptionallyCompose(error -> {
                    CcpException failure = failure(operation, error);
                    if (failure.kind() != CcpException.Kind.REFUSED || failure.status() != 401) {
                        return CompletableFuture.failedFuture(failure);
                    }
                    endSession();
                    return withToken(identity).thenCompose(bearer -> call(operation, method, path, bearer, body));
                });
    }

    private CompletableFuture<String> withToken(Supplier<StoredIdentity> identity) {
        if (token != null) {
            return CompletableFuture.completedFuture(token);
        }
        return CompletableFuture.supplyAsync(identity, worker).thenCompose(stored ->
                bootstrap(stored.device(), new UserHints(stored.userId(), null, null, null), null, started -> { })
                        .thenApply(established -> established.session()));
    }

    // ---- bootstraps ----

    /**
     * Bootstraps a new session, ending the previous one (a device has one session at a time).
     * XK with a freshly fetched server key; IK (one round trip fewer) once a bootstrap proved the
     * cached key. A refused IK may mean the server rotated its Noise key: the key is fetched again
     * and XK tried at once.
     *
     * @param listener hears the session's frames (may be null)
     * @param started told of the new connection before the bootstrap completes, so frames that
     *     arrive right after the server's Ack (queued envelopes) can already be answered
     */
    CompletableFuture<EstablishedSession> bootstrap(DeviceIdentity device, UserHints hints,
            DeviceConnection.Listener listener, Consumer<DeviceConnection> started) {
        if (noiseRotatesAt != null && Instant.now().isAfter(noiseRotatesAt)) {
            forgetServerKey(); // announced rotation: the cached key may be gone soon
        }
        NoisePattern chosen = pattern != null ? pattern : serverKeyConfirmed ? NoisePattern.IK : NoisePattern.XK;
        if (chosen == NoisePattern.XK) {
            return bootstrapWith(NoisePattern.XK, device, hints, listener, started);
        }
        // The failed IK attempt's end must not reach the listener, which goes on with the XK one.
        AttemptGate gate = new AttemptGate(listener);
        return bootstrapWith(NoisePattern.IK, device, hints, gate, attempt -> {
            gate.attempt = attempt;
            started.accept(attempt);
        }).exceptionallyCompose(error -> {
            CcpException failure = failure("bootstrap", error);
            if (failure.kind() != CcpException.Kind.HANDSHAKE) {
                return CompletableFuture.failedFuture(failure);
            }
            gate.shut();
            forgetServerKey();
            return bootstrapWith(NoisePattern.XK, device, hints, listener, started);
        });
    }

    /**
     * One bootstrap with {@code pattern}: over WebSocket once links go that way; else streaming,
     * and when that does not get through ({@link #notThrough}) once more over WebSocket, which the
     * following links then use too (docs/sdk.md "WebSocket fallback").
     */
    private CompletableFuture<EstablishedSession> bootstrapWith(NoisePattern pattern, DeviceIdentity device,
            UserHints hints, DeviceConnection.Listener listener, Consumer<DeviceConnection> started) {
        if (webSocket || !preference.fallsBackToWebSocket()) {
            return linkWith(pattern, device, hints, listener, started, webSocket);
        }
        // The streaming attempt's end must not reach the listener, which goes on with the WebSocket one.
        AttemptGate gate = new AttemptGate(listener);
        return linkWith(pattern, device, hints, gate, attempt -> {
            gate.attempt = attempt;
            started.accept(attempt);
        }, false).exceptionallyCompose(error -> {
            if (!notThrough(error)) {
                return CompletableFuture.failedFuture(failure("bootstrap", error));
            }
            gate.shut();
            System.getLogger(ServerConnection.class.getName()).log(System.Logger.Level.INFO,
                    "streaming /connect to {0} did not get through ({1}); trying WebSocket", server, error.getMessage());
            return linkWith(pattern, device, hints, listener, started, true).thenApply(established -> {
                webSocket = true;
                return established;
            });
        });
    }

    /**
     * Whether a streaming {@code /connect} failed the way a proxy or front end that cannot carry
     * it fails: refused with a status that is not a rate limit or a drain (429, or 503 with
     * {@code Retry-After}), reset before the handshake was done, or no Auth within
     * {@link #fallbackAfter} of the Hello (a proxy that buffers the request body).
     */
    private static boolean notThrough(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof Stalled) {
                return true;
            }
            if (t instanceof CcpException refused && refused.kind() == CcpException.Kind.REFUSED) {
                // A refused /connect (ConnectRefusedException, translated by within()).
                boolean backOff = refused.status() == 429 || (refused.status() == 503 && refused.retryAfter().isPresent());
                return !backOff;
            }
            if (t instanceof TransportClosedException closed && closed.closure() != null) {
                return closed.closure().kind() == StreamClosure.Kind.RESET;
            }
        }
        return false;
    }

    /** No Auth within {@link #fallbackAfter} of a streaming /connect's Hello. */
    private static final class Stalled extends TimeoutException {
        Stalled(Duration after) {
            super("no answer to the Hello within " + after.toMillis() + " ms");
        }
    }

    private CompletableFuture<EstablishedSession> linkWith(NoisePattern pattern, DeviceIdentity device,
            UserHints hints, DeviceConnection.Listener listener, Consumer<DeviceConnection> started, boolean overWebSocket) {
        boolean mayFallBack = !overWebSocket && preference.fallsBackToWebSocket();
        return serverInfo()
                .thenApplyAsync(info -> new DeviceHandshake(device, info.domain(),
                        info.noisePublic(), DeviceHandshake.defaultPrologue(), pattern,
                        hints, random), worker)
                .thenCompose(handshake -> {
                    endSession();
                    return connection().thenCompose(c -> {
                        DeviceConnection started0 = overWebSocket
                                ? DeviceConnection.startWebSocket(transport, handshake, listener)
                                : DeviceConnection.start(c, handshake, listener);
                        session = started0;
                        started.accept(started0);
                        CompletableFuture<EstablishedSession> established = started0.established();
                        if (mayFallBack) {
                            established = stallGuard(started0);
                        }
                        return within(established, "bootstrap");
                    });
                })
                .thenApply(established -> {
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
                });
    }

    /** {@code link}'s establishment, failed with {@link Stalled} (and the link cancelled) after {@link #fallbackAfter}. */
    private CompletableFuture<EstablishedSession> stallGuard(DeviceConnection link) {
        CompletableFuture<EstablishedSession> guarded = new CompletableFuture<>();
        link.established().whenComplete((ok, error) -> {
            if (error != null) {
                guarded.completeExceptionally(error);
            } else {
                guarded.complete(ok);
            }
        });
        CompletableFuture.delayedExecutor(fallbackAfter.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            if (guarded.completeExceptionally(new Stalled(fallbackAfter))) {
                link.cancel();
            }
        });
        return guarded;
    }

    private void forgetServerKey() {
        serverInfo = null;
        serverKeyConfirmed = false;
        noiseRotatesAt = null;
    }

    /** Ends the current session, if any; completes when the end of its upstream is written. */
    CompletableFuture<Void> endSession() {
        CompletableFuture<Void> ended = CompletableFuture.completedFuture(null);
        if (session != null) {
            ended = session.endUpstream();
            session = null;
        }
        token = null;
        return ended;
    }

    /** Ends {@code link} politely: the current session through {@link #endSession()}, an older one directly. */
    void release(DeviceConnection link) {
        if (session == link) {
            endSession();
        } else if (!closed) {
            link.endUpstream();
        }
    }

    /** {@code link} stopped answering its PINGs: the TCP connection under it is as dead as the link. */
    void abandon(DeviceConnection link) {
        if (session == link) {
            session = null;
            token = null;
        }
        link.closeConnection();
    }

    /** Ends the session (its end of stream written first), the connection and an owned event loop. */
    CompletableFuture<Void> close() {
        return endSession()
                .completeOnTimeout(null, 1, TimeUnit.SECONDS)
                .exceptionally(error -> null) // the stream is gone already; closing the connection ends it
                .thenRunAsync(() -> {
                    closed = true;
                    if (connection != null) {
                        connection.close();
                    }
                    if (transport != null) {
                        transport.close(); // blocks until an owned event loop has stopped: not on that loop
                    }
                }, worker);
    }

    private <T> CompletableFuture<T> within(CompletableFuture<T> future, String what) {
        return future.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).exceptionallyCompose(error -> {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof TimeoutException) {
                String waited = cause instanceof Stalled ? cause.getMessage() : "no answer within " + timeout.toSeconds() + " s";
                return CompletableFuture.failedFuture(new CcpException(CcpException.Kind.UNREACHABLE,
                        what + ": " + waited, cause));
            }
            return CompletableFuture.failedFuture(failure(what, cause));
        });
    }

    private static Duration retryAfter(H2Response response) {
        String value = response.header("retry-after");
        if (value == null) {
            return null;
        }
        try {
            return Duration.ofSeconds(Long.parseLong(value.trim()));
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }

    /** Passes one bootstrap attempt's events on until it is shut or its bootstrap failed. */
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
        public void onBootstrapFrame(Frame frame) {
            if (!shut) {
                target.onBootstrapFrame(frame);
            }
        }

        @Override
        public void onFrame(Frame frame) {
            if (!shut) {
                target.onFrame(frame);
            }
        }

        @Override
        public void onReadComplete() {
            if (!shut) {
                target.onReadComplete();
            }
        }

        @Override
        public void onClosed(StreamClosure closure, Throwable failure) {
            // A failed bootstrap has failed its established() before its stream reports the end.
            boolean failed = attempt != null && attempt.established().isCompletedExceptionally();
            if (!shut && !failed) {
                target.onClosed(closure, failure);
            }
        }
    }

    /** Whether a TLS handshake failed on the server's certificate (a CA, host-name or pin check). */
    private static boolean untrusted(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CertificatePinException || t instanceof java.security.cert.CertificateException) {
                return true;
            }
        }
        return false;
    }

    /** What a future failed with, as the SDK's exception (unwrapping {@link CompletionException}). */
    static CcpException failure(String what, Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof java.util.concurrent.ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return translate(what, cause);
    }

    /** Maps what a transport future failed with to the SDK's exception. */
    private static CcpException translate(String what, Throwable cause) {
        if (cause instanceof CcpException c) {
            return c;
        }
        if (cause instanceof DeviceHandshakeException refusal) {
            return new CcpException(CcpException.Kind.HANDSHAKE, what + ": " + refusal.getMessage(), refusal);
        }
        if (cause instanceof ConnectRefusedException refused) {
            return CcpException.refused(what, refused.status(), "", null, refused.retryAfter().orElse(null));
        }
        if (cause instanceof javax.net.ssl.SSLHandshakeException handshake && untrusted(handshake)) {
            return new CcpException(CcpException.Kind.UNTRUSTED, what + ": " + handshake.getMessage(), handshake);
        }
        return new CcpException(CcpException.Kind.UNREACHABLE, what + ": " + cause, cause);
    }
}
