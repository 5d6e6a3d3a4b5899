package io.commucat.ccp.server.connect;

import io.commucat.ccp.proto.Frame;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.CountDownLatch;

/** A {@link Downstream} that keeps every byte the session wrote, as a device would receive them. */
final class RecordingDownstream implements Downstream {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CountDownLatch closed = new CountDownLatch(1);
    private int writes;

    @Override
    public synchronized void write(Frame frame, byte[] wireBytes) {
        bytes.writeBytes(wireBytes);
        writes++;
    }

    @Override
    public void close() {
        closed.countDown();
    }

    /** Everything written since the last call. */
    synchronized byte[] drain() {
        byte[] out = bytes.toByteArray();
        bytes.reset();
        return out;
    }

    synchronized int writes() {
        return writes;
    }

    boolean isClosed() {
        return closed.getCount() == 0;
    }
}
