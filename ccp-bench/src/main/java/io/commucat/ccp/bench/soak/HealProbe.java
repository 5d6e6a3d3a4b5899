package io.commucat.ccp.bench.soak;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Measures how long a fault took to heal: from the moment it was lifted until every device's
 * session is connected again and one probe message from every device (so from devices on every
 * live node) has reached every other member of its channel. A probe round that has not arrived
 * in full within {@link #ROUND_SECONDS} is followed by another; the first complete round ends
 * the measurement, at the moment its last delivery arrived (to within the 20 ms poll).
 */
final class HealProbe {

    private static final long ROUND_SECONDS = 3;

    private final List<SoakDevice> devices;
    private final Traffic traffic;
    private final Ledger ledger;

    HealProbe(List<SoakDevice> devices, Traffic traffic, Ledger ledger) {
        this.devices = devices;
        this.traffic = traffic;
        this.ledger = ledger;
    }

    /** @return the time from {@code liftedNanos} until healed, or empty if not healed within {@code timeout} */
    Optional<Duration> measure(long liftedNanos, Duration timeout) throws Exception {
        long deadline = liftedNanos + timeout.toNanos();
        while (!devices.stream().allMatch(SoakDevice::connected)) {
            if (System.nanoTime() > deadline) {
                return Optional.empty();
            }
            Thread.sleep(20);
        }
        List<long[]> rounds = new ArrayList<>();
        long lastRound = 0;
        while (System.nanoTime() < deadline) {
            if (rounds.isEmpty() || System.nanoTime() - lastRound > TimeUnit.SECONDS.toNanos(ROUND_SECONDS)) {
                rounds.add(traffic.probe(devices).get(10, TimeUnit.SECONDS));
                lastRound = System.nanoTime();
            }
            for (long[] seqs : rounds) {
                if (complete(seqs)) {
                    return Optional.of(Duration.ofNanos(System.nanoTime() - liftedNanos));
                }
            }
            Thread.sleep(20);
        }
        return Optional.empty();
    }

    private boolean complete(long[] seqs) {
        for (SoakDevice d : devices) {
            if (!ledger.deliveredToAll(d.index, seqs[d.index])) {
                return false;
            }
        }
        return true;
    }
}
