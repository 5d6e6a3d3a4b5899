package io.commucat.ccp.server.connect;

import io.commucat.ccp.proto.Frame;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.CountDownLatch;

/**
 * A {@link Downstream} that keeps every byte the session wrote, as a device would receive them,
 * and models the device's reader: what was written and not yet {@link #drain() drained} is
 * unread, {@link #room()} is the window minus that, and draining after the session found no room
 * calls the session's {@code onReady} (through the hook the fixture sets, on the session's loop).
 */
final class RecordingDownstream implements Downstream {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CountDownLatch closed = new CountDownLatch(1);
    private int writes;
    private int resumes;
    /** Unbounded unless a test sets one. */
    private long window = Long.MAX_VALUE / 4;
    private long unread;
    private boolean awaitingReady;
    private Runnable onReady = () -> { };

    @Override
    public synchronized void write(Frame frame, byte[] wireBytes) {
        bytes.writeBytes(wireBytes);
        unread += wireBytes.length;
        writes++;
    }

    @Override
    public synchronized long room() {
        long room = window - unread;
        if (room <= 0) {
            awaitingReady = true;
        }
        return room;
    }

    @Override
    public void close() {
        closed.countDown();
    }

    /** The fixture feeds upstream itself, regardless of the session's intake; counted only. */
    @Override
    public synchronized void resumeUpstream() {
        resumes++;
    }

    synchronized int resumes() {
        return resumes;
    }

    synchronized void window(long bytes) {
        window = bytes;
    }

    synchronized void onReady(Runnable hook) {
        onReady = hook;
    }

    /** Bytes written and not yet drained. */
    synchronized long unread() {
        return unread;
    }

    /** Everything written since the last call: the reader takes it all. */
    byte[] drain() {
        Runnable ready = null;
        byte[] out;
        synchronized (this) {
            out = bytes.toByteArray();
            bytes.reset();
            unread = 0;
            if (awaitingReady) {
                awaitingReady = false;
                ready = onReady;
            }
        }
        if (ready != null) {
            ready.run();
        }
        return out;
    }

    synchronized int writes() {
        return writes;
    }

    boolean isClosed() {
        return closed.getCount() == 0;
    }
}
