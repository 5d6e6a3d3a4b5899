package io.commucat.ccp.client.transport;

import io.commucat.ccp.client.handshake.DeviceHandshake;
import io.commucat.ccp.client.handshake.DeviceHandshakeException;
import io.commucat.ccp.client.handshake.EstablishedSession;
import io.commucat.ccp.crypto.noise.NoiseException;
import io.commucat.ccp.crypto.noise.SecureFrameStream;
import io.commucat.ccp.proto.CodecException;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameCodec;
import io.commucat.ccp.proto.FrameLimits;
import io.commucat.ccp.proto.StreamingFrameDecoder;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One device session over one {@code /connect} stream: runs the {@link DeviceHandshake}
 * (Hello → Auth → Auth → Ack, ccp-1.md §3), then carries encrypted frames both ways (§4.1).
 *
 * <pre>{@code
 * DeviceConnection device = DeviceConnection.start(connection, handshake, listener);
 * EstablishedSession session = device.established().get(10, SECONDS);
 * device.send(Frame.control(FrameType.PRESENCE, 0, device.nextSequence(), json));
 * }</pre>
 *
 * <p>{@link #established()} completes with the session, or fails with a {@link
 * DeviceHandshakeException} (the server refused, {@link DeviceHandshakeException.Kind#REFUSED},
 * or answered something invalid, {@code PROTOCOL}) or a {@link TransportClosedException} (the
 * stream or connection ended first).
 *
 * <p>Threading: the handshake, decryption and the {@link Listener}'s hooks run on the
 * connection's event loop, one at a time; hooks must not block. {@link #send}, {@link #post}
 * and {@link #endUpstream} may be called from any thread: they queue onto the loop without
 * blocking ({@link FrameOutbox}), and frames go out in the order their calls entered the queue,
 * what piled up meanwhile sealed and written together. Many device connections may share one {@link ClientConnection}
 * (over HTTP/2 one stream each, over HTTP/1.1 one socket each) and one event loop group.
 */
public final class DeviceConnection {

    /** Bootstrap frames are small; a server gets no 16 MiB buffer for them either. */
    static final FrameLimits BOOTSTRAP_LIMITS = new FrameLimits(256 * 1024, 256 * 1024, 256 * 1024);

    /** Events of a device connection; every hook does nothing by default. */
    public abstract static class Listener {

        /** A plain bootstrap frame from the server (Auth, Ack or Error), before it is acted on. */
        public void onBootstrapFrame(Frame frame) {
        }

        /** A decrypted frame of the established session, in order. */
        public void onFrame(Frame frame) {
        }

        /**
         * After the frames that arrived together (those of one turn of the event loop), before
         * any later one and before {@link #onClosed}: a listener that collects what frames cause
         * (answers to complete elsewhere) hands it on here, once per batch instead of once per frame.
         */
        public void onReadComplete() {
        }

        /**
         * The stream is gone; always last, exactly once.
         *
         * @param failure why this side ended it (a {@link NoiseException}, {@link CodecException}
         *     or {@link DeviceHandshakeException}), or null when the server or the network did
         */
        public void onClosed(StreamClosure closure, Throwable failure) {
        }
    }

    private enum Phase { AWAIT_AUTH, AWAIT_ACK, ESTABLISHED, FAILED }

    private final ClientConnection connection;
    private final DeviceHandshake handshake;
    private final Listener listener;
    private final CompletableFuture<EstablishedSession> established = new CompletableFuture<>();
    private final CompletableFuture<ConnectStream> stream;
    private final CompletableFuture<StreamClosure> closed = new CompletableFuture<>();
    private final AtomicLong sequence = new AtomicLong();
    private final StreamingFrameDecoder bootstrap = new StreamingFrameDecoder(BOOTSTRAP_LIMITS);

    // Event loop only:
    private Phase phase = Phase.AWAIT_AUTH;
    private SecureFrameStream secure;
    private Throwable failure;
    /** Frames were handed to the listener since its last onReadComplete. */
    private boolean readPending;
    private final Runnable readComplete = this::readComplete;

    /** Set on the loop once established, before {@link #established} completes; null before. */
    private volatile FrameOutbox outbox;

    /** @param connection the connection under the stream, or null for a WebSocket (a socket of its own) */
    private DeviceConnection(ClientConnection connection, Function<StreamListener, CompletableFuture<ConnectStream>> open,
            DeviceHandshake handshake, Listener listener) {
        this.connection = connection;
        this.handshake = handshake;
        this.listener = listener == null ? new Listener() { } : listener;
        this.stream = open.apply(new Downstream());
    }

    /**
     * Opens a {@code /connect} stream on {@code connection} and sends the Hello. Returns at once;
     * follow {@link #established()}.
     */
    public static DeviceConnection start(ClientConnection connection, DeviceHandshake handshake, Listener listener) {
        Objects.requireNonNull(handshake, "handshake");
        return begin(new DeviceConnection(connection, connection::openConnect, handshake, listener));
    }

    /**
     * Opens a WebSocket {@code /connect} through {@code transport} (a socket of its own, see
     * {@link ClientTransport#openWebSocket}) and sends the Hello; otherwise as {@link #start}.
     * {@link #ping()} is then a WebSocket Ping and {@link #closeConnection()} closes that socket.
     */
    public static DeviceConnection startWebSocket(ClientTransport transport, DeviceHandshake handshake, Listener listener) {
        Objects.requireNonNull(handshake, "handshake");
        return begin(new DeviceConnection(null, transport::openWebSocket, handshake, listener));
    }

    private static DeviceConnection begin(DeviceConnection device) {
        device.stream.whenComplete((s, error) -> {
            if (error != null) {
                // No stream was opened (the connection is gone): still end with onClosed, once
                // (a stream whose request head failed to go out also reports its own closing).
                StreamClosure lost = new StreamClosure(StreamClosure.Kind.CONNECTION_LOST, 0);
                device.established.completeExceptionally(new TransportClosedException(
                        "cannot open a /connect stream", lost, error));
                if (device.closed.complete(lost)) {
                    device.listener.onClosed(lost, null);
                }
                return;
            }
            s.eventLoop().execute(() -> device.sendHello(s));
        });
        return device;
    }

    /** Completes when the server's Ack arrived; see the class comment for failures. */
    public CompletableFuture<EstablishedSession> established() {
        return established;
    }

    /** The underlying stream, for raw writes (tests) or flow control. */
    public CompletableFuture<ConnectStream> stream() {
        return stream;
    }

    /** Completes when the stream is gone, with how it ended. */
    public CompletableFuture<StreamClosure> closed() {
        return closed;
    }

    /** The next sequence number for a device frame on this connection (§4.2); thread-safe. */
    public long nextSequence() {
        return sequence.getAndIncrement();
    }

    /**
     * Seals {@code frame} (§4.1) and sends it. Completes when written; fails with {@link
     * IllegalStateException} before establishment or after the session ended, or with the Noise
     * failure.
     */
    public CompletableFuture<Void> send(Frame frame) {
        FrameOutbox out = outbox;
        if (out == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("the session is not established"));
        }
        CompletableFuture<Void> result = new CompletableFuture<>();
        out.send(frame, result);
        return result;
    }

    /**
     * Encoded bytes of the frames sent and not yet handed to the transport: they wait while the
     * stream is not writable (the server reads slower than this side sends). Beyond
     * {@value FrameOutbox#DEFAULT_MAX_PENDING_BYTES} bytes {@link #send} fails with
     * {@link UpstreamFullException} and {@link #post} refuses. Thread-safe.
     */
    public long pendingBytes() {
        FrameOutbox out = outbox;
        return out == null ? 0 : out.pendingBytes();
    }

    /**
     * As {@link #send}, for a frame whose write nobody waits for: a failed write means the stream
     * is going, and {@link Listener#onClosed} says so. Before establishment the frame is dropped.
     *
     * @return whether the frame was queued (false before establishment, or when
     *     {@link #pendingBytes()} is at its bound: nothing was sent)
     */
    public boolean post(Frame frame) {
        FrameOutbox out = outbox;
        if (out == null) {
            return false;
        }
        return out.send(frame, null);
    }

    /**
     * Ends the upstream (HTTP/2 END_STREAM, HTTP/1.1 the last chunk) after every frame sent
     * before; the server then closes the session.
     */
    public CompletableFuture<Void> endUpstream() {
        FrameOutbox out = outbox;
        if (out != null) {
            return out.endUpstream();
        }
        return stream.thenCompose(ConnectStream::endUpstream);
    }

    /**
     * Checks the link (ccp-1.md §4.3): completes when the server answers a PING on the
     * connection, fails when the connection closes first (see {@link ClientConnection#ping()}).
     */
    public CompletableFuture<Void> ping() {
        if (connection == null) {
            return stream.thenCompose(s -> ((WsStream) s).ping());
        }
        return connection.ping();
    }

    /** Closes the whole connection under this stream (a dead link: nothing on it will answer). */
    public void closeConnection() {
        if (connection == null) {
            cancel();
        } else {
            connection.close();
        }
    }

    /** Ends the stream at once ({@link ConnectStream#cancel()}). */
    public void cancel() {
        stream.thenAccept(ConnectStream::cancel);
    }

    // ---- event loop ----

    private void sendHello(ConnectStream s) {
        try {
            s.write(FrameCodec.encode(handshake.hello()));
        } catch (DeviceHandshakeException e) {
            fail(s, e);
        }
    }

    private void onBytes(byte[] data) {
        ConnectStream s = stream.getNow(null);
        switch (phase) {
            case AWAIT_AUTH, AWAIT_ACK -> {
                ByteBuffer buffer = ByteBuffer.wrap(data);
                try {
                    bootstrap.decode(buffer, frame -> bootstrapFrame(s, frame));
                } catch (CodecException e) {
                    fail(s, new DeviceHandshakeException(DeviceHandshakeException.Kind.PROTOCOL,
                            "server sent an undecodable bootstrap frame", null, null, false));
                    return;
                }
                if (phase == Phase.ESTABLISHED && buffer.hasRemaining()) {
                    // Encrypted bytes that came in the same read as the Ack.
                    encryptedBytes(s, data, buffer.position(), buffer.remaining());
                }
            }
            case ESTABLISHED -> encryptedBytes(s, data, 0, data.length);
            case FAILED -> {
                // Dropped: this side is ending the stream.
            }
        }
    }

    private boolean bootstrapFrame(ConnectStream s, Frame frame) {
        listener.onBootstrapFrame(frame);
        try {
            if (phase == Phase.AWAIT_AUTH) {
                Frame auth = handshake.onServerAuth(frame);
                phase = Phase.AWAIT_ACK;
                s.write(FrameCodec.encode(auth));
                return true;
            }
            EstablishedSession session = handshake.onAck(frame);
            secure = session.frames();
            sequence.set(handshake.nextSequence());
            phase = Phase.ESTABLISHED;
            outbox = new FrameOutbox(s.eventLoop(), new Upstream(s));
            established.complete(session);
            return false;
        } catch (DeviceHandshakeException e) {
            fail(s, e);
            return false;
        }
    }

    private void encryptedBytes(ConnectStream s, byte[] data, int off, int len) {
        try {
            secure.open(data, off, len, frame -> {
                if (phase == Phase.ESTABLISHED) {
                    listener.onFrame(frame);
                    if (!readPending) {
                        readPending = true;
                        // Runs after this turn's other reads (a task queued from the loop itself).
                        s.eventLoop().execute(readComplete);
                    }
                }
                return true;
            });
        } catch (NoiseException | CodecException e) {
            fail(s, e);
        }
    }

    private void readComplete() {
        if (readPending) {
            readPending = false;
            listener.onReadComplete();
        }
    }

    /** This side ends the stream: a refusal gets a polite end of upstream, anything else a cancel. */
    private void fail(ConnectStream s, Throwable cause) {
        if (phase == Phase.FAILED) {
            return;
        }
        phase = Phase.FAILED;
        failure = cause;
        established.completeExceptionally(cause);
        if (secure != null) {
            secure.close();
        }
        if (cause instanceof DeviceHandshakeException h && h.kind() == DeviceHandshakeException.Kind.REFUSED) {
            s.endUpstream();
        } else {
            s.cancel();
        }
    }

    private void onClosed(StreamClosure closure) {
        if (phase != Phase.FAILED) {
            if (phase != Phase.ESTABLISHED) {
                established.completeExceptionally(new TransportClosedException(
                        "the stream ended during the handshake: " + closure.kind(), closure));
            }
            phase = Phase.FAILED;
            if (secure != null) {
                secure.close();
            }
        }
        if (closed.complete(closure)) {
            readComplete(); // what the last frames caused comes before the end
            listener.onClosed(closure, failure);
        }
    }

    /** An HTTP error instead of a stream: no frame follows, only a problem document. */
    private void onResponseHead(int status, Map<String, String> headers) {
        // 101: a WebSocket's upgrade, the stream goes on as a 200's would.
        if (status == 200 || status == 101 || phase == Phase.FAILED) {
            return;
        }
        Duration retryAfter = null;
        String value = headers.get("retry-after");
        if (value != null) {
            try {
                retryAfter = Duration.ofSeconds(Long.parseLong(value.trim()));
            } catch (NumberFormatException | ArithmeticException e) {
                // An HTTP date or garbage: no hint then.
            }
        }
        ConnectStream s = stream.getNow(null);
        phase = Phase.FAILED;
        failure = new ConnectRefusedException(status, retryAfter);
        established.completeExceptionally(failure);
        if (s != null) {
            s.cancel();
        }
    }

    /** Where the outbox's batches go, on the loop. */
    private final class Upstream implements FrameOutbox.Sink {
        private final ConnectStream s;

        Upstream(ConnectStream s) {
            this.s = s;
        }

        @Override
        public CompletableFuture<Void> write(List<Frame> frames) {
            if (phase != Phase.ESTABLISHED) {
                return CompletableFuture.failedFuture(new IllegalStateException("the session has ended"));
            }
            try {
                return s.write(secure.seal(frames));
            } catch (NoiseException e) {
                fail(s, e);
                return CompletableFuture.failedFuture(e);
            }
        }

        @Override
        public CompletableFuture<Void> endUpstream() {
            return s.endUpstream();
        }

        /** Ended streams count as writable: the frames waiting then fail at once instead of waiting forever. */
        @Override
        public boolean writable() {
            return phase != Phase.ESTABLISHED || !s.isOpen() || s.isWritable();
        }
    }

    /** The stream's events, on the loop. */
    private final class Downstream extends StreamListener {
        @Override
        public void onResponseHead(int status, Map<String, String> headers) {
            DeviceConnection.this.onResponseHead(status, headers);
        }

        @Override
        public void onData(byte[] data) {
            onBytes(data);
        }

        @Override
        public void onWritabilityChanged(boolean writable) {
            FrameOutbox out = outbox;
            if (writable && out != null) {
                out.resume();
            }
        }

        @Override
        public void onClosed(StreamClosure closure) {
            DeviceConnection.this.onClosed(closure);
            FrameOutbox out = outbox;
            if (out != null) {
                out.resume(); // what waited for writability fails now
            }
        }
    }

    @Override
    public String toString() {
        return "DeviceConnection[" + phase + "]";
    }
}
