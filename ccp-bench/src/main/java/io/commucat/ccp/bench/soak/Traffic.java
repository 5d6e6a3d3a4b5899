package io.commucat.ccp.bench.soak;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Open-loop Msg traffic: each channel gets a fixed rate, whatever the cluster does (a node down
 * does not slow the schedule; the SDK queues what cannot go out), its members taking turns. The
 * total rate is split so that every channel causes the same number of deliveries per second: a
 * channel of n members gets a share proportional to 1 / (n - 1).
 */
final class Traffic implements AutoCloseable {

    private static final long TICK_MILLIS = 5;

    private final List<List<SoakDevice>> channels;
    private final double[] rates;
    private final long[] sentPerChannel;
    private final int[] turn;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "soak-traffic");
        t.setDaemon(true);
        return t;
    });
    private long start;

    Traffic(List<List<SoakDevice>> channels, double totalRate) {
        this.channels = channels;
        this.rates = new double[channels.size()];
        double weights = 0;
        for (List<SoakDevice> members : channels) {
            weights += 1.0 / (members.size() - 1);
        }
        for (int c = 0; c < rates.length; c++) {
            rates[c] = totalRate * (1.0 / (channels.get(c).size() - 1)) / weights;
        }
        this.sentPerChannel = new long[channels.size()];
        this.turn = new int[channels.size()];
    }

    double rate(int channel) {
        return rates[channel];
    }

    void start() {
        start = System.nanoTime();
        ticker.scheduleAtFixedRate(this::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        try {
            sendDue();
        } catch (RuntimeException e) {
            // A throwing task would end the schedule: say it and go on with the next tick.
            System.err.println("[soak] traffic tick failed: " + e);
        }
    }

    private void sendDue() {
        double elapsed = (System.nanoTime() - start) / 1e9;
        for (int c = 0; c < rates.length; c++) {
            long due = (long) (rates[c] * elapsed);
            List<SoakDevice> members = channels.get(c);
            while (sentPerChannel[c] < due) {
                SoakDevice sender = members.get(turn[c]);
                turn[c] = (turn[c] + 1) % members.size();
                sentPerChannel[c]++;
                sender.sendNext();
            }
        }
    }

    /**
     * Every device sends one message now, on the traffic's thread (so a device's seqs still go
     * out in order); the probe's messages are booked like any other.
     *
     * @return each device's probe seq, by device index
     */
    CompletableFuture<long[]> probe(List<SoakDevice> devices) {
        return CompletableFuture.supplyAsync(() -> {
            long[] seqs = new long[devices.size()];
            for (SoakDevice d : devices) {
                seqs[d.index] = d.sendNext();
            }
            return seqs;
        }, ticker);
    }

    @Override
    public void close() throws InterruptedException {
        ticker.shutdown();
        ticker.awaitTermination(5, TimeUnit.SECONDS);
    }
}
