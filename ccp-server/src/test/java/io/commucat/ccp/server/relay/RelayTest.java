package io.commucat.ccp.server.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.server.storage.jdbc.JdbcSettings;
import io.commucat.ccp.server.storage.jdbc.JdbcStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The relay's own limits, against the embedded store. */
class RelayTest {

    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    static final long CHANNEL = 9;

    @TempDir
    Path dir;

    /** What the relay reported, one line per event. */
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final RelayListener reports = new RelayListener() {
        @Override
        public void accepted(FrameType type, int recipients) {
            events.add("accepted " + type.label() + " " + recipients);
        }

        @Override
        public void refused(FrameType type, RelayException.Kind kind) {
            events.add("refused " + type.label() + " " + kind.wire());
        }
    };
    private JdbcStore store;
    private InboxWriter writer;
    private Relay relay;

    @BeforeEach
    void open() throws Exception {
        store = JdbcStore.open(JdbcSettings.h2File(dir.resolve("db")));
        writer = new InboxWriter(store.inbox(), 1, 1_000, 1L << 20);
        // Fan-out budget of 20 bytes: a 10-byte Msg may reach two recipients, not three.
        relay = new Relay(store.channels(), store.inbox(), writer, store.groups(), Duration.ofHours(1), 20, reports);
        store.channels().join(CHANNEL, "alice", "user-a", Set.of("bob", "carol", "dave"), false, null, T0);
        store.channels().join(CHANNEL, "bob", "user-b", Set.of(), false, null, T0);
        store.channels().join(CHANNEL, "carol", "user-c", Set.of(), false, null, T0);
    }

    @AfterEach
    void close() {
        writer.close();
        store.close();
    }

    private Outcome send(int payloadBytes) throws Exception {
        Frame msg = Frame.opaque(FrameType.MSG, CHANNEL, 5, new byte[payloadBytes]);
        return relay.process("alice", "user-a", List.of(msg), T0).get(5, TimeUnit.SECONDS).get(0);
    }

    @Test
    void aDurableFrameWithinTheFanoutBudgetIsQueuedForEveryRecipient() throws Exception {
        Outcome outcome = send(10);

        assertTrue(outcome.isAccepted(), String.valueOf(outcome.refusal()));
        assertEquals(2, outcome.deliveries().size());
        assertEquals(List.of("accepted msg 2"), events);
    }

    @Test
    void aDurableFrameOverTheFanoutBudgetIsRefusedAndQueuesNothing() throws Exception {
        store.channels().join(CHANNEL, "dave", "user-d", Set.of(), false, null, T0);

        Outcome outcome = send(10);

        assertEquals(RelayException.Kind.TOO_LARGE, outcome.refusal().kind());
        assertEquals(List.of(), store.inbox().pending("bob", 0, T0, 10, Long.MAX_VALUE).envelopes());
        assertEquals(List.of("refused msg too_large"), events);
    }
}
