package io.commucat.ccp.server.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The watermark state machine between a session's storage and its upstream (IntakeGate). */
class IntakeGateTest {

    /** Pauses at 4 frames or 400 bytes, resumes at 2 frames and 200 bytes. */
    private final IntakeGate gate = new IntakeGate(4, 400, 2, 200);

    private void addFrames(int count, long bytesEach) {
        for (int i = 0; i < count; i++) {
            gate.add(bytesEach);
        }
    }

    @Test
    void aNewGateIsOpen() {
        assertTrue(gate.isOpen());
        assertEquals(IntakeGate.State.OPEN, gate.state());
    }

    @Test
    void itStaysOpenBelowBothHighWaterMarks() {
        addFrames(3, 100);

        assertTrue(gate.isOpen());
    }

    @Test
    void reachingTheFrameMarkPausesAndSaysSoOnce() {
        addFrames(3, 10);

        assertTrue(gate.add(10), "the fourth frame closes the gate");
        assertFalse(gate.isOpen());
        assertFalse(gate.add(10), "further frames report no new transition");
    }

    @Test
    void reachingTheByteMarkPausesWhateverTheFrameCount() {
        assertTrue(gate.add(400));

        assertEquals(IntakeGate.State.PAUSED, gate.state());
    }

    @Test
    void betweenTheMarksAPausedGateStaysPaused() {
        addFrames(4, 10);

        assertFalse(gate.remove(1, 10), "three frames: above the low-water mark");
        assertFalse(gate.isOpen());
    }

    @Test
    void drainingToTheLowWaterMarkResumesAndSaysSoOnce() {
        addFrames(4, 10);

        assertTrue(gate.remove(2, 20));
        assertTrue(gate.isOpen());
        assertFalse(gate.remove(1, 10), "already open");
    }

    @Test
    void resumingNeedsBothCountsAtTheirLowWaterMarks() {
        gate.add(300);
        gate.add(150); // 2 frames, 450 bytes: paused on bytes

        assertFalse(gate.remove(0, 0));
        assertFalse(gate.isOpen(), "2 frames is low enough, 450 bytes is not");
        assertTrue(gate.remove(1, 300), "1 frame, 150 bytes");
    }

    @Test
    void anOpenGateBelowTheHighWaterMarkIsNotReopenedByRemovals() {
        addFrames(3, 10);

        assertFalse(gate.remove(3, 30), "it never paused: no transition to report");
    }

    @Test
    void itPausesAgainAfterResuming() {
        addFrames(4, 10);
        gate.remove(4, 40);

        addFrames(3, 10);

        assertTrue(gate.add(10));
    }

    @Test
    void itCountsWhatWaitsAndRemembersThePeak() {
        addFrames(5, 100);
        gate.remove(3, 300);

        assertEquals(2, gate.frames());
        assertEquals(200, gate.bytes());
        assertEquals(5, gate.peakFrames());
        assertEquals(500, gate.peakBytes());
    }

    @Test
    void removingMoreThanWasAddedIsABug() {
        gate.add(10);

        assertThrows(IllegalStateException.class, () -> gate.remove(2, 20));
    }

    @Test
    void lowWaterMarksMustBeBelowTheHighOnes() {
        assertThrows(IllegalArgumentException.class, () -> new IntakeGate(4, 400, 4, 200));
        assertThrows(IllegalArgumentException.class, () -> new IntakeGate(4, 400, 2, 400));
    }
}
