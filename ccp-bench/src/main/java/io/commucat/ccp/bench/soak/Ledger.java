package io.commucat.ccp.bench.soak;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What was sent, acknowledged and delivered, per message and per recipient. Every message is
 * (sender, seq): a sender's seqs count up from 0 and its payload names both, so the ledger
 * recognises each delivery. Each message belongs to the window (the steady start or a fault) in
 * which it was sent, and its outcomes are counted there.
 *
 * <p>Thread-safe: senders' futures and the devices' listeners call it from the SDK's callback
 * threads.
 */
final class Ledger {

    /** What became of one sent message; the state only moves forward from {@code SENT}. */
    enum Outcome { SENT, ACKED, REFUSED }

    /** One window's counts. */
    static final class Counts {
        final LongAdder sent = new LongAdder();
        final LongAdder acked = new LongAdder();
        final LongAdder delivered = new LongAdder();
        final LongAdder duplicated = new LongAdder();
        final LongAdder reordered = new LongAdder();
        final Map<String, LongAdder> refused = new ConcurrentHashMap<>();

        long refusedTotal() {
            return refused.values().stream().mapToLong(LongAdder::sum).sum();
        }
    }

    /** The figures of a window (or of the run, {@code window == -1}) once the run has drained. */
    record Tally(long sent, long acked, Map<String, Long> refused, long pending, long delivered, long lost,
            long duplicated, long reordered) {

        Tally withLost(long count) {
            return new Tally(sent, acked, refused, pending, delivered, count, duplicated, reordered);
        }
    }

    private static final class Message {
        final int window;
        final long sentNanos = System.nanoTime();
        volatile Outcome outcome = Outcome.SENT;

        Message(int window) {
            this.window = window;
        }
    }

    /** One recipient's view of one sender: which seqs arrived (and when first), and the highest. */
    private static final class Stream {
        final BitSet seen = new BitSet();
        final Map<Long, Long> firstNanos = new HashMap<>();
        long highest = -1;
    }

    private static final int SAMPLES = 10;
    private final long startNanos = System.nanoTime();
    private final Queue<String> duplicateSamples = new ConcurrentLinkedQueue<>();
    private final AtomicInteger duplicateSampleCount = new AtomicInteger();

    private final int[] channelOf;
    private final List<int[]> members;
    private final Counts[] windows;
    private final AtomicInteger window = new AtomicInteger();
    private final AtomicLong[] nextSeq;
    private final Map<Long, Message>[] sent;
    /** [recipient][sender]; each guarded by itself. */
    private final Stream[][] streams;

    /**
     * @param channelOf each device's channel (an index into {@code members})
     * @param members   each channel's devices
     * @param windows   how many windows the run has
     */
    @SuppressWarnings("unchecked")
    Ledger(int[] channelOf, List<int[]> members, int windows) {
        this.channelOf = channelOf.clone();
        this.members = List.copyOf(members);
        this.windows = new Counts[windows];
        for (int i = 0; i < windows; i++) {
            this.windows[i] = new Counts();
        }
        int devices = channelOf.length;
        this.nextSeq = new AtomicLong[devices];
        this.sent = new Map[devices];
        this.streams = new Stream[devices][devices];
        for (int d = 0; d < devices; d++) {
            nextSeq[d] = new AtomicLong();
            sent[d] = new ConcurrentHashMap<>();
            for (int s = 0; s < devices; s++) {
                streams[d][s] = new Stream();
            }
        }
    }

    /** Messages sent from now on belong to window {@code index}. */
    void openWindow(int index) {
        window.set(index);
    }

    int currentWindow() {
        return window.get();
    }

    /** Records a message about to be sent by {@code sender}; returns its seq. */
    long sent(int sender) {
        long seq = nextSeq[sender].getAndIncrement();
        int w = window.get();
        sent[sender].put(seq, new Message(w));
        windows[w].sent.increment();
        return seq;
    }

    void acked(int sender, long seq) {
        Message m = sent[sender].get(seq);
        if (m.outcome == Outcome.SENT) {
            m.outcome = Outcome.ACKED;
            windows[m.window].acked.increment();
        }
    }

    /** The SDK gave up on the message: {@code kind} says why (a typed error kind). */
    void refused(int sender, long seq, String kind) {
        Message m = sent[sender].get(seq);
        if (m.outcome == Outcome.SENT) {
            m.outcome = Outcome.REFUSED;
            windows[m.window].refused.computeIfAbsent(kind, k -> new LongAdder()).increment();
        }
    }

    /** {@code recipient}'s application got (sender, seq). */
    void delivered(int recipient, int sender, long seq) {
        Message m = sent[sender].get(seq);
        Counts counts = windows[m == null ? window.get() : m.window];
        counts.delivered.increment();
        Stream stream = streams[recipient][sender];
        synchronized (stream) {
            int bit = Math.toIntExact(seq);
            if (stream.seen.get(bit)) {
                counts.duplicated.increment();
                if (duplicateSampleCount.incrementAndGet() <= SAMPLES) {
                    duplicateSamples.add(String.format(Locale.ROOT,
                            "device %d got %d#%d (sent at %.1f s, in window %d) again at %.1f s; first at %.1f s",
                            recipient, sender, seq, seconds(m == null ? 0 : m.sentNanos), m == null ? -1 : m.window,
                            seconds(System.nanoTime()), seconds(stream.firstNanos.getOrDefault(seq, 0L))));
                }
                return;
            }
            stream.seen.set(bit);
            stream.firstNanos.put(seq, System.nanoTime());
            if (seq < stream.highest) {
                counts.reordered.increment();
            }
            stream.highest = Math.max(stream.highest, seq);
        }
    }

    /** Whether every other member of the sender's channel has (sender, seq). */
    boolean deliveredToAll(int sender, long seq) {
        for (int recipient : members.get(channelOf[sender])) {
            if (recipient != sender && !has(recipient, sender, seq)) {
                return false;
            }
        }
        return true;
    }

    private boolean has(int recipient, int sender, long seq) {
        Stream stream = streams[recipient][sender];
        synchronized (stream) {
            return stream.seen.get(Math.toIntExact(seq));
        }
    }

    private double seconds(long nanos) {
        return (nanos - startNanos) / 1e9;
    }

    /** The first duplicate deliveries, described (device indexes, seconds since the ledger began). */
    List<String> duplicateSamples() {
        return List.copyOf(duplicateSamples);
    }

    /** The first {@value #SAMPLES} acknowledged deliveries missing now, described. */
    List<String> missingSamples() {
        List<String> samples = new ArrayList<>();
        for (int sender = 0; sender < sent.length && samples.size() < SAMPLES; sender++) {
            for (Map.Entry<Long, Message> e : new TreeMap<>(sent[sender]).entrySet()) {
                Message m = e.getValue();
                if (m.outcome != Outcome.ACKED) {
                    continue;
                }
                for (int recipient : members.get(channelOf[sender])) {
                    if (recipient != sender && !has(recipient, sender, e.getKey()) && samples.size() < SAMPLES) {
                        samples.add(String.format(Locale.ROOT, "device %d never got %d#%d (sent at %.1f s, window %d)",
                                recipient, sender, e.getKey(), seconds(m.sentNanos), m.window));
                    }
                }
            }
        }
        return samples;
    }

    /** Sent messages neither acknowledged nor refused yet. */
    long pending() {
        long n = 0;
        for (Map<Long, Message> bySeq : sent) {
            for (Message m : bySeq.values()) {
                if (m.outcome == Outcome.SENT) {
                    n++;
                }
            }
        }
        return n;
    }

    /** (acknowledged message, recipient) pairs not delivered yet: lost, once the run has drained. */
    long undelivered() {
        return tally(-1).lost();
    }

    /** The figures of window {@code index}, or of the whole run for -1. */
    Tally tally(int index) {
        long sentCount = 0;
        long acked = 0;
        long pending = 0;
        long lost = 0;
        for (int sender = 0; sender < sent.length; sender++) {
            for (Map.Entry<Long, Message> e : sent[sender].entrySet()) {
                Message m = e.getValue();
                if (index >= 0 && m.window != index) {
                    continue;
                }
                sentCount++;
                if (m.outcome == Outcome.SENT) {
                    pending++;
                } else if (m.outcome == Outcome.ACKED) {
                    acked++;
                    for (int recipient : members.get(channelOf[sender])) {
                        if (recipient != sender && !has(recipient, sender, e.getKey())) {
                            lost++;
                        }
                    }
                }
            }
        }
        long delivered = 0;
        long duplicated = 0;
        long reordered = 0;
        Map<String, Long> refused = new TreeMap<>();
        for (int w = 0; w < windows.length; w++) {
            if (index >= 0 && w != index) {
                continue;
            }
            Counts c = windows[w];
            delivered += c.delivered.sum();
            duplicated += c.duplicated.sum();
            reordered += c.reordered.sum();
            c.refused.forEach((k, v) -> refused.merge(k, v.sum(), Long::sum));
        }
        return new Tally(sentCount, acked, refused, pending, delivered, lost, duplicated, reordered);
    }
}
