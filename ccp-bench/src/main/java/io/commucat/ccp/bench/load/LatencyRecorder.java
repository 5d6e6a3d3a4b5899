package io.commucat.ccp.bench.load;

import java.util.Arrays;

/**
 * Bootstrap outcomes inside the measurement window: count, latencies, failures. Callbacks
 * from any event loop record; the main thread opens and closes the window.
 */
final class LatencyRecorder {

    private long[] latencies = new long[1 << 14];
    private int count;
    private long failures;
    private String lastFailure;
    private boolean open;

    synchronized void open() {
        open = true;
    }

    synchronized void close() {
        open = false;
    }

    synchronized void success(long latencyNanos) {
        if (!open) {
            return;
        }
        if (count == latencies.length) {
            latencies = Arrays.copyOf(latencies, count * 2);
        }
        latencies[count++] = latencyNanos;
    }

    /** Failures are counted outside the window too: any is worth a look. */
    synchronized void failure(Throwable error) {
        failures++;
        lastFailure = String.valueOf(error);
    }

    synchronized int count() {
        return count;
    }

    synchronized long failures() {
        return failures;
    }

    synchronized String lastFailure() {
        return lastFailure;
    }

    /** The q-quantile (0..1) in milliseconds, nearest rank. */
    synchronized double quantileMillis(double q) {
        if (count == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(latencies, count);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * count) - 1;
        return sorted[Math.max(0, Math.min(count - 1, rank))] / 1e6;
    }
}
