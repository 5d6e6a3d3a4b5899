package io.commucat.ccp.server.node;

import io.commucat.ccp.server.connect.HandshakeListener;
import io.commucat.ccp.server.connect.HandshakeReport;
import io.commucat.ccp.server.handshake.HandshakeException;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs and counts bootstrap outcomes ({@code ccp_handshakes_total{result,pattern,reason}}, and
 * a bootstrap deadline as {@code ccp_connections_closed_total{reason="bootstrap_timeout"}}). The
 * audit ledger hears the same events through {@link io.commucat.ccp.server.audit.AuditedHandshakes}.
 */
final class HandshakeLog implements HandshakeListener {

    private static final Logger LOG = LoggerFactory.getLogger("io.commucat.ccp.handshake");

    private final MeterRegistry metrics;

    HandshakeLog(MeterRegistry metrics) {
        this.metrics = metrics;
    }

    @Override
    public void failed(HandshakeReport report, String reason, HandshakeException failure) {
        countFailure(report, reason);
        if ("timeout".equals(reason)) {
            // Streams opened and left silent cost a peer nothing: a flood of them must not fill the log.
            LOG.debug("handshake failed: reason={} stage={} detail={} device={} remote={}", reason, report.stage(),
                    failure == null ? "-" : failure.detail(), report.deviceId(), report.remoteAddress());
            return;
        }
        LOG.info("handshake failed: reason={} stage={} detail={} device={} remote={}", reason, report.stage(),
                failure == null ? "-" : failure.detail(), report.deviceId(), report.remoteAddress());
    }

    /** Counted like any failure; the log line is the digest's summary (audit.FailureDigest). */
    @Override
    public void failureRepeated(HandshakeReport report, String reason, HandshakeException failure) {
        countFailure(report, reason);
    }

    private void countFailure(HandshakeReport report, String reason) {
        metrics.counter("ccp.handshakes", "result", "failure", "pattern", String.valueOf(report.pattern()),
                "reason", reason).increment();
        if ("timeout".equals(reason)) {
            // The one name for every cut by a deadline; the HTTP layer counts its own reasons.
            metrics.counter("ccp.connections.closed", "reason", "bootstrap_timeout").increment();
        }
    }

    @Override
    public void established(HandshakeReport report) {
        metrics.counter("ccp.handshakes", "result", "success", "pattern", report.pattern(), "reason", "ok").increment();
        LOG.debug("handshake established: device={} user={} pattern={} remote={}", report.deviceId(), report.userId(),
                report.pattern(), report.remoteAddress());
    }
}
