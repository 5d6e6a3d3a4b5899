package io.commucat.ccp.server.audit;

import io.commucat.ccp.crypto.cert.CertificateFields;
import io.commucat.ccp.server.connect.HandshakeListener;
import io.commucat.ccp.server.connect.HandshakeReport;
import io.commucat.ccp.server.connect.SessionEnd;
import io.commucat.ccp.server.handshake.HandshakeException;
import io.commucat.ccp.server.handshake.Resolution;
import java.time.Instant;

/** Writes the bootstrap and session events of {@code /connect} to the audit ledger. Runs on event loops: never waits. */
public final class AuditedHandshakes implements HandshakeListener {

    private final Audit audit;

    public AuditedHandshakes(Audit audit) {
        this.audit = audit;
    }

    @Override
    public void failed(HandshakeReport report, String reason, HandshakeException failure) {
        audit.handshakeFailed(report, reason, failure == null ? null : failure.detail());
    }

    @Override
    public void resolved(HandshakeReport report, Resolution resolution) {
        if (!resolution.deviceKnown()) {
            audit.deviceRegistered(report.deviceId(), report.userId(), "hello", report.remoteAddress());
        }
        if (resolution.certificateIssued()) {
            CertificateFields cert = resolution.certificate().fields();
            audit.certificateIssued(report.deviceId(), report.userId(), cert.serialText(),
                    Instant.ofEpochSecond(cert.issuedAt()), Instant.ofEpochSecond(cert.expiresAt()));
        }
    }

    @Override
    public void established(HandshakeReport report) {
        audit.handshakeSucceeded(report);
    }

    @Override
    public void replaced(HandshakeReport report, String previousSessionId) {
        audit.sessionReplaced(report, previousSessionId);
    }

    @Override
    public void ended(HandshakeReport report, SessionEnd reason) {
        audit.sessionEnded(report, reason);
    }
}
