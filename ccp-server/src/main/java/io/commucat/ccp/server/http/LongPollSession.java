package io.commucat.ccp.server.http;

import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.server.config.ServerConfig;
import io.commucat.ccp.server.connect.ConnectStream;
import io.commucat.ccp.server.connect.Downstream;
import io.commucat.ccp.server.http.rest.Problem;
import io.commucat.ccp.server.http.rest.RestResponse;
import io.netty.channel.EventLoop;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A long-poll {@code /connect} session with the upstream companion (rest.md "Connect upstream
 * companion"): it outlives each poll response. Every write is kept, NDJSON-encoded, in a replay
 * buffer until a later poll's {@code after=<sequence>} shows the browser has it, and a new poll
 * gets everything after that; so nothing written is lost between polls. The server (frames and
 * Acks share one counter per connection from the bootstrap's first frame, starting at 1, and are
 * written in that order) can drop every kept write up to {@code after}.
 *
 * <p>Bounds: {@link #room()} is the window less what the buffer holds, so a browser that does
 * not poll pauses the session's deliveries; companion POSTs are taken while the buffer holds
 * less than two windows and the stream {@linkplain ConnectStream#wantsUpstream() takes upstream}
 * (storage keeps up): a POST not taken waits, unanswered, and past the held-bytes bound the
 * browser gets 503 with {@code Retry-After} ({@link UpstreamSequencer}). A poll ends after {@code poll_timeout} without a frame, once
 * {@code poll_max_bytes} went out on it, or once what is kept fills the window (the browser's
 * next poll acknowledges it and so gives the session room again), and a session with no poll open for {@code poll_grace}
 * ends as transport-closed. A keepalive line goes out on an open poll whenever nothing was written
 * for the keepalive interval.
 *
 * <p>States: {@code OPEN} (the stream runs), {@code ENDING} (the stream closed its downstream; the
 * token still resumes, once, to fetch what is left), {@code ENDED}.
 *
 * <p>Threading: the session's event loop (the first poll's) only; {@link LongPoll} hands calls over.
 */
final class LongPollSession implements Downstream, UpstreamTarget, OpenConnect {

    private static final Logger LOG = LoggerFactory.getLogger(LongPollSession.class);
    /** Beyond two windows: the largest frame's records (16 MiB plus Noise overhead), with room to spare. */
    private static final long LARGEST_WRITE = 17L * 1024 * 1024;

    private enum State { OPEN, ENDING, ENDED }

    private record Kept(long sequence, byte[] line) {
    }

    private final ServerContext context;
    private final EventLoop loop;
    private final String remoteAddress;
    private final ArrayDeque<Kept> kept = new ArrayDeque<>();
    private final UpstreamSequencer upstream;
    private ConnectStream stream;
    private String token;
    private State state = State.OPEN;
    private long keptBytes;
    private boolean awaitingReady;
    private LongPoll poll;
    private long pollBytes;
    private long lastFrameNanos;
    private long lastWriteNanos;
    private ScheduledFuture<?> tick;
    private ScheduledFuture<?> grace;

    LongPollSession(ServerContext context, EventLoop loop, String remoteAddress) {
        this.context = context;
        this.loop = loop;
        this.remoteAddress = remoteAddress;
        ServerConfig.Browser browser = context.downstream().browser();
        this.upstream = new UpstreamSequencer(new UpstreamSequencer.Sink() {
            @Override
            public boolean ready() {
                return state == State.OPEN && keptBytes < 2 * window() && stream.wantsUpstream();
            }

            @Override
            public void deliver(byte[] bytes) {
                stream.onBytes(bytes, 0, bytes.length);
            }
        }, browser.upstreamHeldBytes(), browser.upstreamMaxAhead());
    }

    /** Opens the stream behind the first poll, whose body starts with the token line. */
    void open(LongPoll first) {
        context.metrics().connectOpened();
        context.openConnects().add(this);
        token = context.upstreamTokens().register(this);
        startPoll(first);
        first.send(DownstreamEncoding.NDJSON.upstreamToken(token));
        stream = context.connectHandler().open(this, loop, remoteAddress);
    }

    @Override
    public EventLoop eventLoop() {
        return loop;
    }

    /** A later poll: drop what the browser has, send it the rest. */
    void attach(LongPoll next, long after) {
        if (state == State.ENDED) {
            next.finish(); // lost the race with the end: an empty response, and the next resume is 404
            return;
        }
        if (poll != null) {
            endPoll(); // the browser gave up on it; the newer one carries on
        }
        acknowledge(after);
        startPoll(next);
        for (Kept k : kept) {
            if (poll == null) {
                break; // ended on size: the rest goes to the next poll
            }
            sendToPoll(k.line(), true);
        }
        endPollIfOutOfRoom();
        if (state == State.ENDING) {
            endPoll();
            end();
        }
    }

    /** The poll's client went away. */
    void detached(LongPoll gone) {
        if (gone == poll) {
            poll = null;
            cancelTick();
            armGrace();
        }
    }

    @Override
    public void offer(long sequence, byte[] bytes, CompletableFuture<RestResponse> answer) {
        if (state != State.OPEN) {
            answer.complete(Problem.of(404, "the connection has ended"));
            return;
        }
        upstream.offer(sequence, bytes, answer);
    }

    // ---- Downstream ----

    @Override
    public void write(Frame frame, byte[] wireBytes) {
        if (state != State.OPEN) {
            return;
        }
        byte[] line = DownstreamEncoding.NDJSON.encode(frame, wireBytes);
        if (keptBytes + line.length > 2 * window() + LARGEST_WRITE) {
            // Unreachable for a stream that asks room(): a producer bug, not a slow browser.
            LOG.warn("{}: {} long-poll bytes kept, past any paced stream's reach; ending the session", remoteAddress,
                    keptBytes);
            loop.execute(this::transportGone);
            return;
        }
        kept.add(new Kept(frame.sequence(), line));
        keptBytes += line.length;
        if (poll != null) {
            sendToPoll(line, true);
            endPollIfOutOfRoom();
        }
    }

    @Override
    public long room() {
        long room = window() - keptBytes;
        if (room <= 0) {
            awaitingReady = true;
        }
        return room;
    }

    /** Storage caught up: the held POSTs go to the stream (and are answered) again. */
    @Override
    public void resumeUpstream() {
        if (state == State.OPEN) {
            upstream.drain();
        }
    }

    @Override
    public void close() {
        if (state != State.OPEN) {
            return;
        }
        state = State.ENDING;
        released();
        if (poll != null) {
            endPoll(); // what is kept went out on it
            end();
        }
        // Else the grace timer runs: a resume within it fetches what is kept.
    }

    @Override
    public void shutdown() {
        if (state == State.OPEN) {
            stream.shutdown();
        }
    }

    // ---- polls ----

    private void startPoll(LongPoll next) {
        cancelGrace();
        poll = next;
        pollBytes = 0;
        lastFrameNanos = lastWriteNanos = System.nanoTime();
        armTick(Math.min(keepaliveNanos(), browser().pollTimeout().toNanos()));
    }

    private void sendToPoll(byte[] bytes, boolean frame) {
        poll.send(bytes);
        pollBytes += bytes.length;
        lastWriteNanos = System.nanoTime();
        if (frame) {
            lastFrameNanos = lastWriteNanos;
        }
        if (frame && pollBytes >= browser().pollMaxBytes()) {
            endPoll();
        }
    }

    /**
     * Everything kept went out on the open poll and the session has no room left: only the
     * browser's next poll (its {@code after}) can free some, so this one ends now. Kept open, it
     * would carry nothing until {@code poll_timeout}: a paced session would move one window per
     * poll timeout.
     */
    private void endPollIfOutOfRoom() {
        if (poll != null && state == State.OPEN && keptBytes >= window()) {
            endPoll();
        }
    }

    private void endPoll() {
        if (poll != null) {
            poll.finish();
            poll = null;
            cancelTick();
            armGrace();
        }
    }

    /** The browser has every write up to {@code after}. */
    private void acknowledge(long after) {
        while (!kept.isEmpty() && kept.peekFirst().sequence() <= after) {
            keptBytes -= kept.pollFirst().line().length;
        }
        if (state != State.OPEN) {
            return;
        }
        if (awaitingReady && keptBytes <= window() / 2) {
            awaitingReady = false;
            stream.onReady();
        }
        upstream.drain();
    }

    /** Keepalive and poll-timeout: one timer, armed while a poll is open. */
    private void armTick(long delayNanos) {
        cancelTick();
        tick = loop.schedule(this::tickDue, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    }

    private void tickDue() {
        tick = null;
        if (poll == null || state == State.ENDED) {
            return;
        }
        long now = System.nanoTime();
        long pollTimeout = browser().pollTimeout().toNanos();
        if (now - lastFrameNanos >= pollTimeout) {
            endPoll();
            return;
        }
        if (now - lastWriteNanos >= keepaliveNanos()) {
            // §4.3: a failed keepalive write closes the poll's exchange, which detaches it.
            sendToPoll(DownstreamEncoding.NDJSON.keepalive(), false);
        }
        armTick(Math.min(lastWriteNanos + keepaliveNanos(), lastFrameNanos + pollTimeout) - now);
    }

    private void armGrace() {
        if (grace == null && state != State.ENDED) {
            grace = loop.schedule(this::graceOver, browser().pollGrace().toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void graceOver() {
        grace = null;
        if (poll != null) {
            return;
        }
        if (state == State.OPEN) {
            LOG.debug("{}: no long-poll for {} s, ending the session", remoteAddress, browser().pollGrace().toSeconds());
            context.metrics().connectionClosed("poll_abandoned");
            transportGone();
        } else {
            end();
        }
    }

    /** The browser is gone: the stream hears it as a closed transport. */
    private void transportGone() {
        if (state != State.OPEN) {
            return;
        }
        state = State.ENDING;
        released();
        endPoll();
        stream.onTransportClosed();
        end();
    }

    /** Session no longer runs: metrics, shutdown list and POSTs. */
    private void released() {
        context.metrics().connectClosed();
        context.openConnects().remove(this);
        upstream.close();
    }

    private void end() {
        state = State.ENDED;
        context.upstreamTokens().remove(token, this);
        cancelTick();
        cancelGrace();
        kept.clear();
        keptBytes = 0;
    }

    private void cancelTick() {
        if (tick != null) {
            tick.cancel(false);
            tick = null;
        }
    }

    private void cancelGrace() {
        if (grace != null) {
            grace.cancel(false);
            grace = null;
        }
    }

    private ServerConfig.Browser browser() {
        return context.downstream().browser();
    }

    private long window() {
        return context.downstream().windowBytes();
    }

    private long keepaliveNanos() {
        return context.keepaliveInterval().toNanos();
    }
}
