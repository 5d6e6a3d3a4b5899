package io.commucat.ccp.client;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.commucat.ccp.client.handshake.EstablishedSession;
import io.commucat.ccp.client.transport.DeviceConnection;
import io.commucat.ccp.client.transport.StreamClosure;
import io.commucat.ccp.proto.ControlJson;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.LongFunction;

/**
 * An established session of the device ({@link CcpClient#connect}): join and leave channels,
 * send messages, announce presence; what arrives goes to the {@link SessionListener}.
 *
 * <p>{@link #join}, {@link #leave} and {@link #send} complete when the server acknowledges the
 * frame, or fail with a {@link CcpException} of kind {@code REFUSED} carrying the server's
 * {@code Error} (its {@code error} as {@link CcpException#title()}, its {@code detail}). Futures
 * complete on the client's callback executor. Thread-safe. This first version does not reconnect:
 * when the stream ends, pending operations fail with {@code UNREACHABLE} and {@link
 * SessionListener#onClosed} is called.
 */
public final class CcpSession implements AutoCloseable {

    private final EstablishedSession established;
    private final Frames frames;
    private final Runnable onClose;

    private CcpSession(EstablishedSession established, Frames frames, Runnable onClose) {
        this.established = established;
        this.frames = frames;
        this.onClose = onClose;
    }

    static Frames frames(SessionListener listener, Executor callbacks) {
        return new Frames(listener, callbacks);
    }

    static CcpSession of(EstablishedSession established, Frames frames, Runnable onClose) {
        return new CcpSession(established, frames, onClose);
    }

    public String userId() {
        return established.userId();
    }

    /**
     * Opens or joins channel {@code channel} (a positive u32) with {@code members} (device ids;
     * empty to join a channel someone else opened).
     */
    public CompletableFuture<Void> join(long channel, Collection<String> members) {
        ObjectNode body = ControlJson.object();
        ArrayNode list = body.putArray("members");
        members.forEach(list::add);
        return frames.request(seq -> Frame.control(FrameType.JOIN, channel, seq, body));
    }

    public CompletableFuture<Void> leave(long channel) {
        return frames.request(seq -> Frame.control(FrameType.LEAVE, channel, seq, ControlJson.object()));
    }

    /** Sends {@code payload} as a {@code Msg} to the other members of {@code channel}. */
    public CompletableFuture<Void> send(long channel, byte[] payload) {
        byte[] copy = payload.clone();
        return frames.request(seq -> Frame.opaque(FrameType.MSG, channel, seq, copy));
    }

    /** Announces {@code state} ({@code online}, {@code away}, {@code busy} ...); the server answers nothing. */
    public CompletableFuture<Void> setPresence(String state) {
        Objects.requireNonNull(state, "state");
        return frames.post(seq -> Frame.control(FrameType.PRESENCE, 0, seq, ControlJson.object().put("state", state)));
    }

    /** Completes when the session has ended, for whatever reason. */
    public CompletableFuture<Void> closed() {
        return frames.closed;
    }

    /**
     * Ends the session (the device's upstream) once the listener has had what already arrived
     * (and those messages were acknowledged); the listener hears {@code onClosed(null)}.
     */
    @Override
    public void close() {
        frames.closing = true;
        frames.ordered.execute(onClose);
    }

    /** The session's frame traffic: pending requests by sequence, and dispatch to the listener. */
    static final class Frames extends DeviceConnection.Listener {
        private final SessionListener listener;
        private final Executor callbacks;
        private final Executor ordered;
        private final Map<Long, CompletableFuture<Void>> pending = new ConcurrentHashMap<>();
        private final CompletableFuture<Void> closed = new CompletableFuture<>();
        private volatile DeviceConnection connection;
        /** The application closed the session: nothing more is sent. */
        private volatile boolean closing;
        /** The stream is gone (set before the listener hears of it). */
        private volatile boolean ended;

        Frames(SessionListener listener, Executor callbacks) {
            this.listener = Objects.requireNonNull(listener, "listener");
            this.callbacks = callbacks;
            this.ordered = new SerialExecutor(callbacks);
        }

        /** The connection the session's frames go out on, known as soon as its bootstrap starts. */
        void attach(DeviceConnection started) {
            this.connection = started;
        }

        /** Sends a frame the server acknowledges; completes on its Ack or fails on its Error. */
        CompletableFuture<Void> request(LongFunction<Frame> build) {
            CompletableFuture<Void> answer = new CompletableFuture<>();
            if (closing || ended) {
                answer.completeExceptionally(new CcpException(CcpException.Kind.CLOSED, "the session has ended", null));
                return answer;
            }
            long sequence = connection.nextSequence();
            pending.put(sequence, answer);
            connection.send(build.apply(sequence)).whenComplete((ok, error) -> {
                if (error != null && pending.remove(sequence) != null) {
                    callbacks.execute(() -> answer.completeExceptionally(
                            new CcpException(CcpException.Kind.UNREACHABLE, "the frame was not sent: " + error, error)));
                }
            });
            return answer.thenApplyAsync(v -> v, callbacks);
        }

        /** Sends a frame the server does not answer; completes once written. */
        CompletableFuture<Void> post(LongFunction<Frame> build) {
            if (closing || ended) {
                return CompletableFuture.failedFuture(
                        new CcpException(CcpException.Kind.CLOSED, "the session has ended", null));
            }
            return connection.send(build.apply(connection.nextSequence())).handleAsync((ok, error) -> {
                if (error != null) {
                    throw new CcpException(CcpException.Kind.UNREACHABLE, "the frame was not sent: " + error, error);
                }
                return null;
            }, callbacks);
        }

        @Override
        public void onFrame(Frame frame) {
            switch (frame.type()) {
                case ACK -> answered(frame, null);
                case ERROR -> {
                    ObjectNode json = frame.control().json();
                    CcpException error = CcpException.refused("frame", 0, json.path("error").asText(""),
                            json.hasNonNull("detail") ? json.get("detail").asText() : null, null);
                    if (!answered(frame, error)) {
                        ordered.execute(() -> listener.onFrame(frame)); // a session-level Error (revoked, replaced)
                    }
                }
                case MSG -> {
                    IncomingMessage message = new IncomingMessage(frame.channelId(), frame.opaque().toByteArray(),
                            frame.sequence());
                    ordered.execute(() -> {
                        listener.onMessage(message);
                        acknowledge(frame); // after the application had it: at least once
                    });
                }
                case KEY_UPDATE, GROUP_CREATE, GROUP_INVITE, GROUP_EVENT -> ordered.execute(() -> {
                    listener.onFrame(frame);
                    acknowledge(frame);
                });
                default -> ordered.execute(() -> listener.onFrame(frame));
            }
        }

        private boolean answered(Frame frame, CcpException error) {
            long sequence = frame.control().json().path("ack").asLong(-1);
            CompletableFuture<Void> answer = sequence < 0 ? null : pending.remove(sequence);
            if (answer == null) {
                return false;
            }
            if (error == null) {
                answer.complete(null);
            } else {
                answer.completeExceptionally(error);
            }
            return true;
        }

        private void acknowledge(Frame delivered) {
            DeviceConnection c = connection;
            if (c != null && !ended) {
                c.send(Frame.control(FrameType.ACK, delivered.channelId(), c.nextSequence(),
                        ControlJson.object().put("ack", delivered.sequence())));
            }
        }

        @Override
        public void onClosed(StreamClosure closure, Throwable failure) {
            ended = true;
            CcpException why = closing ? null
                    : new CcpException(CcpException.Kind.UNREACHABLE, "the session ended: " + closure, failure);
            CcpException pendingFailure = why != null ? why
                    : new CcpException(CcpException.Kind.CLOSED, "the session was closed", null);
            pending.forEach((sequence, answer) -> answer.completeExceptionally(pendingFailure));
            pending.clear();
            ordered.execute(() -> {
                listener.onClosed(why);
                closed.complete(null);
            });
        }
    }
}
