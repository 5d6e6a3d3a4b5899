package io.commucat.ccp.server.connect;

/**
 * Back-pressure from storage to a device's upstream: counts the channel frames a session read
 * but storage has not finished (queued plus the batch in flight) and says whether the session
 * should read more. Hysteresis between two marks: at or above either high-water mark (frames or
 * bytes) the gate closes; it opens again only once both counts are at or below their low-water
 * marks, so a sender is not switched on and off with every frame committed.
 *
 * <p>States: {@code OPEN} (read upstream) → {@code PAUSED} (stop asking the transport for
 * more) → {@code OPEN}. The owner acts on the transitions {@link #add} and {@link #remove}
 * report. Not thread-safe: the session's loop only.
 */
final class IntakeGate {

    enum State { OPEN, PAUSED }

    private final int highFrames;
    private final long highBytes;
    private final int lowFrames;
    private final long lowBytes;
    private State state = State.OPEN;
    private int frames;
    private long bytes;
    private int peakFrames;
    private long peakBytes;

    IntakeGate(int highFrames, long highBytes, int lowFrames, long lowBytes) {
        if (lowFrames < 0 || lowFrames >= highFrames || lowBytes < 0 || lowBytes >= highBytes) {
            throw new IllegalArgumentException("low-water marks must be below the high-water marks");
        }
        this.highFrames = highFrames;
        this.highBytes = highBytes;
        this.lowFrames = lowFrames;
        this.lowBytes = lowBytes;
    }

    /** A frame was taken for storage; true when this closed the gate. */
    boolean add(long frameBytes) {
        frames++;
        bytes += frameBytes;
        peakFrames = Math.max(peakFrames, frames);
        peakBytes = Math.max(peakBytes, bytes);
        if (state == State.OPEN && (frames >= highFrames || bytes >= highBytes)) {
            state = State.PAUSED;
            return true;
        }
        return false;
    }

    /** Storage finished {@code count} frames of {@code frameBytes} in all (committed or refused); true when this opened the gate. */
    boolean remove(int count, long frameBytes) {
        frames -= count;
        bytes -= frameBytes;
        if (frames < 0 || bytes < 0) {
            throw new IllegalStateException("more removed than added: " + frames + " frames, " + bytes + " bytes");
        }
        if (state == State.PAUSED && frames <= lowFrames && bytes <= lowBytes) {
            state = State.OPEN;
            return true;
        }
        return false;
    }

    boolean isOpen() {
        return state == State.OPEN;
    }

    State state() {
        return state;
    }

    /** Frames read and not yet finished by storage. */
    int frames() {
        return frames;
    }

    /** Their body bytes. */
    long bytes() {
        return bytes;
    }

    /** The most frames ever waiting at once. */
    int peakFrames() {
        return peakFrames;
    }

    /** The most bytes ever waiting at once. */
    long peakBytes() {
        return peakBytes;
    }
}
