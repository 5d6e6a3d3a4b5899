package io.commucat.ccp.client;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.commucat.ccp.client.handshake.DeviceHandshakeException;
import io.commucat.ccp.client.handshake.EstablishedSession;
import io.commucat.ccp.client.transport.DeviceConnection;
import io.commucat.ccp.client.transport.StreamClosure;
import io.commucat.ccp.proto.ControlJson;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.proto.OpaquePayload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * A device's session with the server ({@link CcpClient#connect}): join and leave channels,
 * send messages, announce presence; what arrives goes to the {@link SessionListener}. It
 * outlives its links: when one breaks the session bootstraps again, and resumes.
 *
 * <p><b>Requests.</b> {@link #join}, {@link #leave} and {@link #send} complete when the server
 * acknowledges the frame, or fail with a {@link CcpException} of kind {@code REFUSED} carrying the
 * server's {@code Error} (its {@code error} as {@link CcpException#title()}, its {@code detail}).
 * A request the server has not acknowledged when a link breaks is sent again on the next link,
 * so the server may see it twice (see {@link Deduplication} for the receiving side); one refused
 * with {@code busy} or {@code unavailable} (nothing was accepted) is sent again after a short
 * backoff. Requests made while the session is reconnecting wait for the next link.
 *
 * <p><b>Liveness and reconnect.</b> The session PINGs the server every {@code keepalive_interval}
 * the server announced and drops a link whose PING goes unanswered for another interval
 * (ccp-1.md §4.3). A lost link, a failed attempt or a server that is shutting down lead to a new
 * bootstrap after an exponential backoff with full jitter (reset by every success, and never
 * shorter than a {@code Retry-After} the server sent); the listener hears {@link
 * SessionState#RECONNECTING} and {@link SessionState#CONNECTED}. A refusal that retrying cannot
 * cure ends the session: the device was revoked, another session of the device replaced this
 * one, the server wants the device paired, or the identity store fails.
 *
 * <p><b>Threading.</b> Thread-safe. Futures complete and listener hooks run on the client's
 * callback executor, never on an I/O thread.
 */
public final class CcpSession implements AutoCloseable {

    /** Session-level errors (channel 0, no {@code ack}) after which a new link would fare no better. */
    private static final Set<String> FINAL_ERRORS = Set.of("revoked", "session_replaced", "decode");
    /** Refusals of a request that mean "nothing was accepted, send it again". */
    private static final Set<String> RETRIED_ERRORS = Set.of("busy", "unavailable");
    /** A refused bootstrap is retried too (storage may be down), but patiently. */
    private static final Duration REFUSAL_BACKOFF_MAX = Duration.ofMinutes(5);
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(5);

    /** How the session gets links: the client's side of it. */
    interface Connector {
        /**
         * Bootstraps a link with the stored identity; {@code link} hears its frames from the
         * start and {@code started} gets the connection before the bootstrap completes.
         */
        CompletableFuture<EstablishedSession> open(DeviceConnection.Listener link, Consumer<DeviceConnection> started);

        /** Ends the link politely (END_STREAM); the server then ends the session. */
        void release(DeviceConnection connection);

        /** The link stopped answering: drop it together with the connection under it. */
        void abandon(DeviceConnection connection);
    }

    /** Settings a session takes from its client's builder. */
    record Options(Deduplication deduplication, Duration backoffInitial, Duration backoffMax, int maxOutstanding) {
    }

    private final String deviceId;
    private final SessionListener listener;
    private final Executor callbacks;
    private final DispatchChain dispatch;
    /**
     * Completes requests' futures in the order the server answered them: a batch of answers
     * (those of one read) is one task on the callback executor. Apart from {@link #dispatch}, so
     * that a listener pacing its messages does not hold back the answers to its own sends.
     */
    private final DispatchChain answers;
    private final Connector connector;
    private final Options options;
    private final DeliveryFilter filter;
    private final CompletableFuture<CcpSession> started = new CompletableFuture<>();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();

    // Guarded by this:
    private SessionState state = SessionState.RECONNECTING;
    private boolean closing;
    private final Backoff backoff;
    private final Backoff refusalBackoff;
    private final LinkedHashMap<Long, Request> outstanding = new LinkedHashMap<>();
    private long nextRequestId;
    private long nextLinkId;
    private boolean finished;
    private Link link;
    private String userId;
    private String presence;
    private ScheduledFuture<?> reconnectTimer;

    CcpSession(String deviceId, SessionListener listener, Executor callbacks, Connector connector, Options options) {
        this.deviceId = deviceId;
        this.listener = Objects.requireNonNull(listener, "listener");
        this.callbacks = callbacks;
        this.dispatch = new DispatchChain(callbacks);
        this.answers = new DispatchChain(callbacks);
        this.connector = connector;
        this.options = options;
        this.filter = new DeliveryFilter(options.deduplication());
        this.backoff = new Backoff(options.backoffInitial(), options.backoffMax());
        this.refusalBackoff = new Backoff(options.backoffInitial().multipliedBy(4), REFUSAL_BACKOFF_MAX);
    }

    /** The first bootstrap: the future fails (and the session is dropped) when it fails. */
    CompletableFuture<CcpSession> start() {
        attempt();
        return started;
    }

    /** @return the user the device belongs to */
    public synchronized String userId() {
        return userId;
    }

    /** @return this device's id */
    public String deviceId() {
        return deviceId;
    }

    /** Where the session's link stands now. */
    public synchronized SessionState state() {
        return state;
    }

    /**
     * Opens or joins channel {@code channel} (a positive u32) with {@code members} (device ids;
     * empty to join a channel someone else opened).
     */
    public CompletableFuture<Void> join(long channel, Collection<String> members) {
        ObjectNode body = ControlJson.object();
        ArrayNode list = body.putArray("members");
        members.forEach(list::add);
        return request("join", channel, seq -> Frame.control(FrameType.JOIN, channel, seq, body));
    }

    /** Leaves channel {@code channel}. */
    public CompletableFuture<Void> leave(long channel) {
        return request("leave", channel, seq -> Frame.control(FrameType.LEAVE, channel, seq, ControlJson.object()));
    }

    /** Sends {@code payload} (copied) as a {@code Msg} to the other members of {@code channel}. */
    public CompletableFuture<Void> send(long channel, byte[] payload) {
        // One copy, immutable, shared by every transmission of the request (a resend numbers it anew).
        OpaquePayload copy = OpaquePayload.of(payload);
        return request("send to", channel, seq -> new Frame(FrameType.MSG, channel, seq, copy));
    }

    /**
     * Announces {@code state} ({@code online}, {@code away}, {@code busy} ...); the server answers
     * nothing. The state is announced again after every reconnect. Completes once written, or at
     * once while the session is reconnecting.
     */
    public CompletableFuture<Void> setPresence(String state) {
        Objects.requireNonNull(state, "state");
        Link target;
        synchronized (this) {
            if (closing || this.state == SessionState.CLOSED) {
                return failed(new CcpException(CcpException.Kind.CLOSED, "the session has ended", null));
            }
            presence = state;
            target = link != null && link.established ? link : null;
        }
        if (target == null) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> written = new CompletableFuture<>();
        announcePresence(target, state).whenComplete((ok, error) -> callbacks.execute(() -> {
            if (error == null) {
                written.complete(null);
            } else {
                written.completeExceptionally(
                        new CcpException(CcpException.Kind.UNREACHABLE, "the frame was not sent: " + error, error));
            }
        }));
        return written;
    }

    /** Completes when the session has ended, for whatever reason. */
    public CompletableFuture<Void> closed() {
        return closed;
    }

    /**
     * Ends the session once the listener has had what already arrived (and those messages were
     * acknowledged); requests still unanswered fail with {@link CcpException.Kind#CLOSED}, and
     * the listener hears {@code onClosed(null)}.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closing || state == SessionState.CLOSED) {
                return;
            }
            closing = true;
            if (reconnectTimer != null) {
                reconnectTimer.cancel(false);
            }
        }
        dispatch.execute(() -> {
            Link current;
            synchronized (this) {
                current = link;
            }
            if (current == null || current.connection == null) {
                finish(null);
                return;
            }
            connector.release(current.connection);
            Timers.schedule(() -> {
                if (!closed.isDone()) {
                    current.connection.cancel();
                    finish(null);
                }
            }, CLOSE_GRACE);
        });
    }

    @Override
    public String toString() {
        return "CcpSession[" + state() + "]";
    }

    // ---- requests ----

    private CompletableFuture<Void> request(String verb, long channel, LongFunction<Frame> build) {
        Request request;
        synchronized (this) {
            if (closing || state == SessionState.CLOSED) {
                return failed(new CcpException(CcpException.Kind.CLOSED, "the session has ended", null));
            }
            if (outstanding.size() >= options.maxOutstanding()) {
                return failed(new CcpException(CcpException.Kind.OVERLOADED, outstanding.size()
                        + " requests are waiting for the server's answer; wait for some of them", null));
            }
            request = new Request(nextRequestId++, verb, channel, build);
            outstanding.put(request.id, request);
            if (link != null && link.established) {
                transmit(request, link);
            }
        }
        return request.answer;
    }

    /** Sends {@code request} on {@code target}, numbered there. Holding the lock keeps sequence order = write order. */
    private void transmit(Request request, Link target) {
        assert Thread.holdsLock(this);
        DeviceConnection connection = target.connection;
        long sequence = connection.nextSequence();
        request.sequence = sequence;
        request.retrying = false;
        target.bySequence.put(sequence, request);
        if (!connection.post(request.build.apply(sequence))) {
            // The link's upstream is full (the server reads slower than we send): as after a
            // busy, the request goes again after a backoff; the outstanding bound stops the caller.
            target.bySequence.remove(sequence);
            request.retrying = true;
            Timers.schedule(() -> retransmit(request), request.nextRetry());
        }
        // A failed write means the link is going: its close hands the request to the next link.
    }

    /** On the link's loop: the answer's completion joins the link's batch, handed on at its read's end. */
    private void answered(Link from, long sequence, ObjectNode error) {
        Request request;
        Duration retry = null;
        synchronized (this) {
            request = from.bySequence.remove(sequence);
            if (request == null) {
                return;
            }
            if (error != null && RETRIED_ERRORS.contains(error.path("error").asText()) && !closing) {
                retry = request.nextRetry();
                request.retrying = true;
            } else {
                outstanding.remove(request.id);
            }
        }
        if (retry != null) {
            Timers.schedule(() -> retransmit(request), retry);
        } else if (error == null) {
            from.batch.accepted(request.answer);
        } else {
            from.batch.refused(request.answer, CcpException.refused(request.verb + " " + request.channel, 0, error.path("error").asText(""),
                    error.hasNonNull("detail") ? error.get("detail").asText() : null, null));
        }
    }

    private void retransmit(Request request) {
        synchronized (this) {
            if (!request.retrying || !outstanding.containsKey(request.id)) {
                return;
            }
            if (link != null && link.established) {
                transmit(request, link);
            } else {
                request.retrying = false; // the next link sends it with the rest
            }
        }
    }

    // ---- links ----

    private void attempt() {
        Link next;
        synchronized (this) {
            reconnectTimer = null;
            if (closing || state == SessionState.CLOSED) {
                return;
            }
            next = new Link(nextLinkId++);
            link = next;
        }
        connector.open(next, connection -> next.connection = connection)
                .whenComplete((session, error) -> opened(next, session, error));
    }

    private void opened(Link opened, EstablishedSession session, Throwable error) {
        boolean first = !started.isDone();
        if (error != null) {
            CcpException cause = error instanceof CcpException c ? c
                    : new CcpException(CcpException.Kind.UNREACHABLE, "bootstrap failed: " + error, error);
            if (first) {
                synchronized (this) {
                    state = SessionState.CLOSED;
                    link = null;
                }
                closed.complete(null);
                started.completeExceptionally(cause);
            } else {
                linkDown(opened, cause);
            }
            return;
        }
        List<Request> resend;
        String announce = null;
        boolean lostEarly = false;
        synchronized (this) {
            if (link != opened || closing) {
                // Closed while bootstrapping: end the new link at once.
                if (opened.connection != null) {
                    connector.release(opened.connection);
                }
                if (link == opened) {
                    link = null;
                    finishLater();
                }
                if (first) {
                    started.completeExceptionally(new CcpException(CcpException.Kind.CLOSED, "the session was closed", null));
                }
                return;
            }
            userId = session.userId();
            opened.established = true;
            if (opened.down) {
                lostEarly = true;
            } else {
                state = SessionState.CONNECTED;
                backoff.reset();
                refusalBackoff.reset();
                resend = new ArrayList<>();
                for (Request request : outstanding.values()) {
                    if (!request.retrying) {
                        resend.add(request);
                    }
                }
                resend.forEach(request -> transmit(request, opened));
                announce = presence;
            }
        }
        if (lostEarly) {
            // The link ended between the server's Ack and here: its close found it not yet established.
            if (first) {
                callbacks.execute(() -> started.complete(this));
            }
            linkDown(opened, opened.closeCause());
            return;
        }
        if (announce != null) {
            announcePresence(opened, announce);
        }
        opened.keepAlive(session.keepaliveInterval());
        if (first) {
            callbacks.execute(() -> started.complete(this));
        } else {
            dispatch.execute(() -> listener.onStateChanged(SessionState.CONNECTED, null));
        }
    }

    /** {@code down} ended or failed to start: end the session, or try again after a backoff. */
    private void linkDown(Link down, CcpException cause) {
        Duration delay;
        synchronized (this) {
            if (link != down) {
                return; // an older link; its successor is in charge
            }
            link = null;
            down.stopKeepAlive();
            for (Request request : down.bySequence.values()) {
                request.sequence = -1; // sent again on the next link
            }
            down.bySequence.clear();
            if (closing) {
                finishLater();
                return;
            }
            if (isFinal(cause)) {
                state = SessionState.CLOSED;
            } else {
                state = SessionState.RECONNECTING;
            }
            delay = state == SessionState.CLOSED ? null : delayAfter(cause);
            if (delay != null) {
                reconnectTimer = Timers.schedule(this::attempt, delay);
            }
        }
        if (delay == null) {
            finish(cause);
        } else {
            dispatch.execute(() -> listener.onStateChanged(SessionState.RECONNECTING, cause));
        }
    }

    private static boolean isFinal(CcpException cause) {
        return switch (cause.kind()) {
            case NO_IDENTITY, STORE, CLOSED -> true;
            case HANDSHAKE -> cause.getCause() instanceof DeviceHandshakeException refusal && refusal.pairingRequired();
            case REFUSED -> cause.status() == 0 && cause.title().map(FINAL_ERRORS::contains).orElse(false);
            default -> false;
        };
    }

    private Duration delayAfter(CcpException cause) {
        assert Thread.holdsLock(this);
        if (cause.kind() == CcpException.Kind.HANDSHAKE || cause.kind() == CcpException.Kind.UNTRUSTED) {
            return refusalBackoff.next(); // may pass (a database back, another network), but not soon
        }
        Duration delay = backoff.next();
        // A /connect refused with 429 or 503 says when to come back.
        Duration asked = cause.retryAfter().orElse(Duration.ZERO);
        return asked.compareTo(delay) > 0 ? asked : delay;
    }

    /** The session is over: requests fail, the listener hears the end last. Runs once. */
    private void finish(CcpException cause) {
        List<Request> failing;
        synchronized (this) {
            if (finished) {
                return;
            }
            finished = true;
            state = SessionState.CLOSED;
            if (link != null) {
                link.stopKeepAlive();
            }
            failing = new ArrayList<>(outstanding.values());
            outstanding.clear();
        }
        CcpException why = cause != null ? cause
                : new CcpException(CcpException.Kind.CLOSED, "the session was closed", null);
        answers.execute(() -> failing.forEach(request -> request.answer.completeExceptionally(why)));
        dispatch.execute(() -> {
            try {
                listener.onClosed(cause);
            } finally {
                closed.complete(null);
            }
        });
    }

    private void finishLater() {
        callbacks.execute(() -> finish(null));
    }

    private CompletableFuture<Void> announcePresence(Link target, String state) {
        DeviceConnection connection = target.connection;
        return connection.send(Frame.control(FrameType.PRESENCE, 0, connection.nextSequence(),
                ControlJson.object().put("state", state)));
    }

    private static <T> CompletableFuture<T> failed(CcpException e) {
        return CompletableFuture.failedFuture(e);
    }

    // ---- what arrives ----

    private void delivered(Link from, Frame frame) {
        switch (frame.type()) {
            case ACK -> answered(from, frame.control().json().path("ack").asLong(-1), null);
            case ERROR -> {
                ObjectNode json = frame.control().json();
                if (json.has("ack")) {
                    answered(from, json.path("ack").asLong(-1), json);
                } else {
                    from.lastError = json.path("error").asText("");
                    from.lastErrorDetail = json.hasNonNull("detail") ? json.get("detail").asText() : null;
                }
                if (!json.has("ack")) {
                    dispatch.execute(() -> listener.onFrame(frame));
                }
            }
            case MSG -> {
                byte[] payload = frame.opaque().toByteArray();
                IncomingMessage message = new IncomingMessage(frame.channelId(), payload, frame.sequence());
                dispatch.submit(() -> durable(from, frame, message, payload));
            }
            case KEY_UPDATE, GROUP_CREATE, GROUP_INVITE, GROUP_EVENT -> dispatch.submit(() -> durable(from, frame, null, null));
            default -> dispatch.execute(() -> listener.onFrame(frame));
        }
    }

    /** A frame the device acknowledges: filtered, handed over, then acknowledged on the link it came by. */
    /** @param payload the message's bytes, digested as they are (no copy of its own), or null for a control frame */
    private CompletionStage<?> durable(Link from, Frame frame, IncomingMessage message, byte[] payload) {
        byte[] body = payload != null ? payload : frame.control().json().toString().getBytes(
                java.nio.charset.StandardCharsets.UTF_8);
        DeliveryFilter.Key key = DeliveryFilter.Key.of(frame.type(), frame.channelId(), body);
        if (!filter.admit(from.id, key)) {
            acknowledge(from, frame);
            return DispatchChain.done();
        }
        CompletionStage<Void> handled;
        if (message != null) {
            handled = listener.onMessageAsync(message);
        } else {
            listener.onFrame(frame);
            handled = DispatchChain.done();
        }
        return handled.thenRun(() -> {
            filter.delivered(key);
            acknowledge(from, frame);
        });
    }

    private void acknowledge(Link from, Frame delivered) {
        DeviceConnection connection = from.connection;
        if (connection != null && !from.down) {
            connection.post(Frame.control(FrameType.ACK, delivered.channelId(), connection.nextSequence(),
                    ControlJson.object().put("ack", delivered.sequence())));
        }
    }

    /** One request until it is answered: sent again on each new link, and after {@code busy}. */
    private static final class Request {
        final long id;
        /** What it does and to which channel, named only when it is refused. */
        final String verb;
        final long channel;
        final LongFunction<Frame> build;
        final CompletableFuture<Void> answer = new CompletableFuture<>();
        /** Made at the first {@code busy}: most requests never need one. Guarded by the session. */
        private Backoff retries;
        long sequence = -1;
        /** Waiting for its retry timer after a {@code busy} or {@code unavailable}. */
        boolean retrying;

        Request(long id, String verb, long channel, LongFunction<Frame> build) {
            this.id = id;
            this.verb = verb;
            this.channel = channel;
            this.build = build;
        }

        Duration nextRetry() {
            if (retries == null) {
                retries = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(5));
            }
            return retries.next();
        }
    }

    /** One bootstrap and the stream it runs on; events come on the connection's event loop. */
    private final class Link extends DeviceConnection.Listener {
        final long id;
        /** Requests sent on this link and not answered, by the sequence they were sent with. Guarded by the session. */
        final Map<Long, Request> bySequence = new HashMap<>();
        /** Answers of the current read, completed together at its end; loop only. */
        private AnswerBatch batch = new AnswerBatch();
        volatile DeviceConnection connection;
        /** Guarded by the session. */
        boolean established;
        volatile boolean down;
        volatile String lastError;
        volatile String lastErrorDetail;
        private volatile StreamClosure closure;
        private volatile Throwable failure;
        private ScheduledFuture<?> keepAlive;
        private CompletableFuture<Void> lastPing;

        Link(long id) {
            this.id = id;
        }

        @Override
        public void onFrame(Frame frame) {
            delivered(this, frame);
        }

        @Override
        public void onReadComplete() {
            if (batch.isEmpty()) {
                return;
            }
            AnswerBatch full = batch;
            batch = new AnswerBatch();
            answers.execute(full::complete);
        }

        @Override
        public void onClosed(StreamClosure closure, Throwable failure) {
            this.closure = closure;
            this.failure = failure;
            down = true;
            boolean up;
            synchronized (CcpSession.this) {
                up = established || closing;
            }
            if (up) {
                linkDown(this, closeCause());
            }
            // Else a failed bootstrap, which the connector's future reports, or a link that ended
            // right after its Ack, which opened() finds down.
        }

        CcpException closeCause() {
            if (lastError != null) {
                return CcpException.refused("session", 0, lastError, lastErrorDetail, null);
            }
            return new CcpException(CcpException.Kind.UNREACHABLE, "the link ended: "
                    + (closure == null ? "?" : closure.kind()) + (failure == null ? "" : " (" + failure + ")"), failure);
        }

        /** PINGs every {@code interval}; a PING unanswered by the next one means the link is dead. */
        synchronized void keepAlive(Duration interval) {
            if (down || interval.isZero() || interval.isNegative()) {
                return;
            }
            keepAlive = Timers.scheduleAtFixedRate(this::ping, interval);
        }

        private synchronized void ping() {
            if (down) {
                stopKeepAlive();
                return;
            }
            if (lastPing != null && !lastPing.isDone()) {
                stopKeepAlive();
                DeviceConnection dead = connection;
                callbacks.execute(() -> connector.abandon(dead));
                return;
            }
            lastPing = connection.ping();
        }

        synchronized void stopKeepAlive() {
            if (keepAlive != null) {
                keepAlive.cancel(false);
                keepAlive = null;
            }
        }
    }
}
