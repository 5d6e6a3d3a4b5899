package io.commucat.ccp.server.connect;

import io.commucat.ccp.server.handshake.HandshakeException;
import io.commucat.ccp.server.handshake.Resolution;
import java.util.List;

/**
 * Hears the outcome of every bootstrap and the end of every session, for the audit ledger and
 * metrics. Hooks do nothing by default; they run on the session's event loop and must not block.
 */
public interface HandshakeListener {

    HandshakeListener NONE = new HandshakeListener() {
    };

    /**
     * A bootstrap failed.
     *
     * @param reason {@code read}, {@code decode}, {@code handshake}, {@code client-closed}
     *     (ccp-1.md §4.5) or {@code timeout} (a bootstrap deadline passed)
     * @param failure the handshake error, or null for decode and close failures
     */
    default void failed(HandshakeReport report, String reason, HandshakeException failure) {
    }

    /**
     * A bootstrap failed from an address that already failed in the current interval: count it,
     * do not write it one by one (an aggregate is written when the interval ends; see
     * {@code audit.FailureDigest}). Arguments as in {@link #failed}.
     */
    default void failureRepeated(HandshakeReport report, String reason, HandshakeException failure) {
    }

    /**
     * The device was resolved (§3.2 steps 6–9): registered when {@code !resolution.deviceKnown()},
     * given a certificate when {@code resolution.certificateIssued()}. Both are stored by now,
     * whatever happens to the rest of the bootstrap.
     */
    default void resolved(HandshakeReport report, Resolution resolution) {
    }

    /** A bootstrap completed and the session is established. */
    default void established(HandshakeReport report) {
    }

    /** The session of {@code report} took over the device from the session {@code previousSessionId}. */
    default void replaced(HandshakeReport report, String previousSessionId) {
    }

    /** An established session ended. */
    default void ended(HandshakeReport report, SessionEnd reason) {
    }

    /** Every listener of {@code listeners}, in order. */
    static HandshakeListener all(HandshakeListener... listeners) {
        List<HandshakeListener> each = List.of(listeners);
        return new HandshakeListener() {
            @Override
            public void failed(HandshakeReport report, String reason, HandshakeException failure) {
                each.forEach(l -> l.failed(report, reason, failure));
            }

            @Override
            public void failureRepeated(HandshakeReport report, String reason, HandshakeException failure) {
                each.forEach(l -> l.failureRepeated(report, reason, failure));
            }

            @Override
            public void resolved(HandshakeReport report, Resolution resolution) {
                each.forEach(l -> l.resolved(report, resolution));
            }

            @Override
            public void established(HandshakeReport report) {
                each.forEach(l -> l.established(report));
            }

            @Override
            public void replaced(HandshakeReport report, String previousSessionId) {
                each.forEach(l -> l.replaced(report, previousSessionId));
            }

            @Override
            public void ended(HandshakeReport report, SessionEnd reason) {
                each.forEach(l -> l.ended(report, reason));
            }
        };
    }
}
