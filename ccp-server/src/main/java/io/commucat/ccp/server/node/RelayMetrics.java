package io.commucat.ccp.server.node;

import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.server.relay.RelayException;
import io.commucat.ccp.server.relay.RelayListener;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Relay counters for {@code /metrics}: {@code ccp_relay_frames_total{type,result}} (result
 * {@code accepted} or the refusal's kind), {@code ccp_relay_recipients_total{type}} and
 * {@code ccp_inbox_transactions_total{op}} / {@code ccp_inbox_rows_total{op}} (op {@code insert}
 * or {@code delete}: rows per transaction is the group commit's yield), and
 * {@code ccp_relay_upstream_paused_total} (sessions that stopped reading their upstream until
 * storage caught up).
 */
final class RelayMetrics implements RelayListener {

    private final MeterRegistry metrics;

    RelayMetrics(MeterRegistry metrics) {
        this.metrics = metrics;
    }

    @Override
    public void accepted(FrameType type, int recipients) {
        metrics.counter("ccp.relay.frames", "type", type.label(), "result", "accepted").increment();
        metrics.counter("ccp.relay.recipients", "type", type.label()).increment(recipients);
    }

    @Override
    public void refused(FrameType type, RelayException.Kind kind) {
        metrics.counter("ccp.relay.frames", "type", type.label(), "result", kind.wire()).increment();
    }

    @Override
    public void droppedLive(FrameType type) {
        metrics.counter("ccp.relay.live.dropped", "type", type.label()).increment();
    }

    @Override
    public void upstreamPaused() {
        metrics.counter("ccp.relay.upstream.paused").increment();
    }

    @Override
    public void committed(boolean insert, int rows) {
        String op = insert ? "insert" : "delete";
        metrics.counter("ccp.inbox.transactions", "op", op).increment();
        metrics.counter("ccp.inbox.rows", "op", op).increment(rows);
    }
}
