package io.commucat.ccp.server.http;

import java.util.function.BooleanSupplier;

/**
 * The pause switch of a test client whose reader thread reads a blocking socket: while paused
 * the reader stops reading, so TCP (or the HTTP/2 window) slows the server down.
 *
 * <p>Thread-safe: {@link #pause()} and {@link #resume()} from the test's thread, {@link
 * #awaitResumed} from the reader's.
 */
final class ReadPause {

    private final Object lock = new Object();
    private boolean paused;

    void pause() {
        synchronized (lock) {
            paused = true;
        }
    }

    void resume() {
        synchronized (lock) {
            paused = false;
            lock.notifyAll();
        }
    }

    /** Blocks while paused, unless {@code stop} says the client is closing (call {@link #resume()} to wake it). */
    void awaitResumed(BooleanSupplier stop) throws InterruptedException {
        synchronized (lock) {
            while (paused && !stop.getAsBoolean()) {
                lock.wait();
            }
        }
    }
}
