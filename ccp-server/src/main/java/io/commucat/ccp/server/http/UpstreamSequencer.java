package io.commucat.ccp.server.http;

import io.commucat.ccp.server.http.rest.Problem;
import io.commucat.ccp.server.http.rest.RestResponse;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Puts companion POSTs back in {@code X-Upstream-Seq} order (ccp-1.md §1.3) and hands them to
 * the session only while it takes upstream (its reader keeps up). A POST is answered 204 once
 * its bytes went to the session, so a browser that waits for its POSTs is paced by the session's
 * reader; a duplicate is answered 204 at once and dropped; a sequence more than
 * {@code maxAhead} past the next expected one is 409; beyond {@code maxHeldBytes} held, 503
 * with {@code Retry-After} (the next expected sequence is always taken, so a gap can be filled).
 *
 * <p>Threading: the session's event loop only.
 */
final class UpstreamSequencer {

    /** Where in-order bytes go. */
    interface Sink {

        /** Whether the session takes upstream now; when it does not, the owner calls {@link #drain()} later. */
        boolean ready();

        void deliver(byte[] bytes);
    }

    private record Held(byte[] bytes, CompletableFuture<RestResponse> answer) {
    }

    private static final RestResponse DONE = RestResponse.noContent();

    private final Sink sink;
    private final long maxHeldBytes;
    private final long maxAhead;
    private final TreeMap<Long, Held> held = new TreeMap<>();
    private long next;
    private long heldBytes;
    private boolean closed;
    private boolean draining;

    UpstreamSequencer(Sink sink, long maxHeldBytes, long maxAhead) {
        this.sink = sink;
        this.maxHeldBytes = maxHeldBytes;
        this.maxAhead = maxAhead;
    }

    void offer(long sequence, byte[] bytes, CompletableFuture<RestResponse> answer) {
        if (closed) {
            answer.complete(Problem.of(404, "the connection has ended"));
            return;
        }
        if (sequence < next || held.containsKey(sequence)) {
            answer.complete(DONE); // a retry of what is already taken or held: acknowledged, dropped
            return;
        }
        if (sequence - next > maxAhead) {
            answer.complete(Problem.of(409, "X-Upstream-Seq " + sequence + " is more than " + maxAhead
                    + " past the next expected " + next));
            return;
        }
        if (sequence != next && heldBytes + bytes.length > maxHeldBytes) {
            answer.complete(busy());
            return;
        }
        held.put(sequence, new Held(bytes, answer));
        heldBytes += bytes.length;
        drain();
    }

    /** Delivers what is in order while the sink is ready. */
    void drain() {
        if (draining) {
            return; // a delivery made the session ready again: the loop below goes on
        }
        draining = true;
        try {
            while (!closed && !held.isEmpty() && held.firstKey() == next && sink.ready()) {
                Held h = held.pollFirstEntry().getValue();
                heldBytes -= h.bytes().length;
                next++;
                sink.deliver(h.bytes());
                h.answer().complete(DONE);
            }
        } finally {
            draining = false;
        }
    }

    /** The session ended: every POST still held is answered 404. Idempotent. */
    void close() {
        closed = true;
        for (Map.Entry<Long, Held> e : held.entrySet()) {
            e.getValue().answer().complete(Problem.of(404, "the connection has ended"));
        }
        held.clear();
        heldBytes = 0;
    }

    private static RestResponse busy() {
        return Problem.of(503, "too many upstream bytes held for this connection; retry").withHeader("retry-after", "1");
    }
}
