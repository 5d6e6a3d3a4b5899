package io.commucat.ccp.server.audit;

import io.commucat.ccp.server.admission.ClientAddress;
import io.commucat.ccp.server.connect.HandshakeListener;
import io.commucat.ccp.server.connect.HandshakeReport;
import io.commucat.ccp.server.connect.SessionEnd;
import io.commucat.ccp.server.handshake.HandshakeException;
import io.commucat.ccp.server.handshake.Resolution;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an unauthenticated flood from filling the disk (issue 15: each failed {@code /connect}
 * wrote ~440 B to the ledger and a log line). In front of the listeners that log and audit
 * handshakes: an address's first failures in an interval ({@code perAddress}) reach them as
 * {@link HandshakeListener#failed}; its later failures in that interval only as
 * {@link HandshakeListener#failureRepeated} (counted, not written). {@link #flush()}, called
 * every interval (and at shutdown), writes one ledger record {@code handshake failure_summary}
 * per address with a count, and one log line for all of them. Every other event passes through.
 * Runs on event loops: never waits.
 */
public final class FailureDigest implements HandshakeListener {

    private static final Logger LOG = LoggerFactory.getLogger("io.commucat.ccp.handshake");

    private final HandshakeListener delegate;
    private final Audit audit;
    private final RepeatedFailures repeated;
    private final Duration interval;
    private final Clock clock;

    /**
     * @param perAddress   failures of an address written one by one per interval
     * @param maxAddresses addresses tracked per interval (more go into one summary for all of them)
     */
    public FailureDigest(HandshakeListener delegate, Audit audit, Duration interval, int perAddress, int maxAddresses,
            Clock clock) {
        this.delegate = delegate;
        this.audit = audit;
        this.interval = interval;
        this.repeated = new RepeatedFailures(perAddress, maxAddresses);
        this.clock = clock;
    }

    /** How often {@link #flush()} is due. */
    public Duration interval() {
        return interval;
    }

    @Override
    public void failed(HandshakeReport report, String reason, HandshakeException failure) {
        if (repeated.writeOneByOne(ClientAddress.parse(report.remoteAddress()), reason, clock.instant())) {
            delegate.failed(report, reason, failure);
        } else {
            delegate.failureRepeated(report, reason, failure);
        }
    }

    /** Ends the interval: one ledger record per address that failed more than once in it, one log line. */
    public void flush() {
        List<RepeatedFailures.Summary> summaries = repeated.drain();
        if (summaries.isEmpty()) {
            return;
        }
        long total = 0;
        for (RepeatedFailures.Summary summary : summaries) {
            audit.handshakeFailuresSummarized(summary, interval);
            total += summary.count();
        }
        LOG.info("handshake failures: {} more from {} addresses in the last {} ms not logged one by one "
                + "(ledger: handshake failure_summary)", total, summaries.size(), interval.toMillis());
    }

    @Override
    public void failureRepeated(HandshakeReport report, String reason, HandshakeException failure) {
        delegate.failureRepeated(report, reason, failure);
    }

    @Override
    public void resolved(HandshakeReport report, Resolution resolution) {
        delegate.resolved(report, resolution);
    }

    @Override
    public void established(HandshakeReport report) {
        delegate.established(report);
    }

    @Override
    public void replaced(HandshakeReport report, String previousSessionId) {
        delegate.replaced(report, previousSessionId);
    }

    @Override
    public void ended(HandshakeReport report, SessionEnd reason) {
        delegate.ended(report, reason);
    }
}
