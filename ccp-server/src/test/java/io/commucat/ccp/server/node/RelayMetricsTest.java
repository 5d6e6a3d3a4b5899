package io.commucat.ccp.server.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.server.relay.RelayException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** The relay's counters on /metrics. */
class RelayMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final RelayMetrics metrics = new RelayMetrics(registry);

    private double count(String name, String... tags) {
        return registry.get(name).tags(tags).counter().count();
    }

    @Test
    void acceptedFramesAreCountedByTypeWithTheirRecipients() {
        metrics.accepted(FrameType.MSG, 3);
        metrics.accepted(FrameType.MSG, 2);

        assertEquals(2, count("ccp.relay.frames", "type", "msg", "result", "accepted"));
        assertEquals(5, count("ccp.relay.recipients", "type", "msg"));
    }

    @Test
    void refusedFramesAreCountedByTheirKind() {
        metrics.refused(FrameType.JOIN, RelayException.Kind.NOT_MEMBER);

        assertEquals(1, count("ccp.relay.frames", "type", "join", "result", "not_member"));
    }

    @Test
    void inboxTransactionsAndRowsAreCountedPerOperation() {
        metrics.committed(true, 40);
        metrics.committed(true, 24);
        metrics.committed(false, 7);

        assertEquals(2, count("ccp.inbox.transactions", "op", "insert"));
        assertEquals(64, count("ccp.inbox.rows", "op", "insert"));
        assertEquals(7, count("ccp.inbox.rows", "op", "delete"));
    }
}
