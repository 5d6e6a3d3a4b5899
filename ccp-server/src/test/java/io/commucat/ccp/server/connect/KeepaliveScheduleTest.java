package io.commucat.ccp.server.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** When each session is due for its keepalive refresh, on a clock the tests move. */
class KeepaliveScheduleTest {

    private static final Duration INTERVAL = Duration.ofSeconds(30);
    private static final Duration TICK = Duration.ofSeconds(1);

    private final AtomicLong nanos = new AtomicLong(1_000_000L);
    private final KeepaliveSchedule<String> schedule = new KeepaliveSchedule<>(INTERVAL, nanos::get);

    /** Moves the clock by {@code d} and asks what is due, as the refresher does once a tick. */
    private List<String> after(Duration d) {
        nanos.addAndGet(d.toNanos());
        return schedule.due();
    }

    /** Ticks one at a time over {@code d}; returns everything due in that time, in order. */
    private List<String> tickingFor(Duration d) {
        List<String> due = new java.util.ArrayList<>();
        for (long t = 0; t < d.dividedBy(TICK); t++) {
            due.addAll(after(TICK));
        }
        return due;
    }

    @Test
    void aMemberIsDueOneIntervalAfterItJoinedThenEveryInterval() {
        schedule.add("a");

        assertEquals(List.of(), tickingFor(INTERVAL.minus(TICK)));
        assertEquals(List.of("a"), after(TICK));
        assertEquals(List.of(), tickingFor(INTERVAL.minus(TICK)));
        assertEquals(List.of("a"), after(TICK));
    }

    @Test
    void membersThatJoinedAtDifferentTicksAreDueAtDifferentTicks() {
        schedule.add("a");
        tickingFor(Duration.ofSeconds(10));
        schedule.add("b");

        assertEquals(List.of(), tickingFor(Duration.ofSeconds(19)));
        assertEquals(List.of("a"), after(TICK));
        assertEquals(List.of(), tickingFor(Duration.ofSeconds(9)));
        assertEquals(List.of("b"), after(TICK));
    }

    @Test
    void aCancelledMemberIsNeverDueAgain() {
        schedule.add("a");
        KeepaliveSchedule<String>.Entry b = schedule.add("b");

        b.cancel();

        assertEquals(List.of("a"), tickingFor(INTERVAL));
        assertEquals(1, schedule.size());
    }

    @Test
    void afterAPauseLongerThanAnIntervalEachMemberIsDueOnce() {
        schedule.add("a");
        tickingFor(Duration.ofSeconds(10));
        schedule.add("b");

        List<String> due = after(INTERVAL.multipliedBy(3));

        assertEquals(2, due.size(), due.toString());
        assertEquals(List.of(), after(TICK.dividedBy(2)));
    }

    @Test
    void anIntervalShorterThanTheLongestTickIsOneSlotDueEveryInterval() {
        KeepaliveSchedule<String> quick = new KeepaliveSchedule<>(Duration.ofMillis(100), nanos::get);
        quick.add("a");

        assertEquals(Duration.ofMillis(100), quick.tick());
        nanos.addAndGet(Duration.ofMillis(100).toNanos());
        assertEquals(List.of("a"), quick.due());
        nanos.addAndGet(Duration.ofMillis(100).toNanos());
        assertEquals(List.of("a"), quick.due());
    }

    @Test
    void anIntervalThatIsNoWholeNumberOfTicksIsRoundedDownNeverLate() {
        KeepaliveSchedule<String> odd = new KeepaliveSchedule<>(Duration.ofMillis(2_500), nanos::get);
        odd.add("a");
        int dueAt = 0;
        for (int tick = 1; tick <= 3 && dueAt == 0; tick++) {
            nanos.addAndGet(TICK.toNanos());
            if (!odd.due().isEmpty()) {
                dueAt = tick;
            }
        }

        assertEquals(2, dueAt);
    }
}
