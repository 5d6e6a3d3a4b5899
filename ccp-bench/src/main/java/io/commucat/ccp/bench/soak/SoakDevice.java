package io.commucat.ccp.bench.soak;

import io.commucat.ccp.client.CcpClient;
import io.commucat.ccp.client.CcpException;
import io.commucat.ccp.client.CcpSession;
import io.commucat.ccp.client.IncomingMessage;
import io.commucat.ccp.client.SessionListener;
import io.commucat.ccp.client.SessionState;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One SDK device of the soak: its client (identity in memory), its session, and its channel.
 * Its payloads are {@code "<run> <sender> <seq>"}, unique, which is why its client keeps
 * {@code Deduplication.byContent}; every message its application receives goes to the ledger.
 */
final class SoakDevice implements SessionListener {

    final int index;
    final int channelIndex;
    final long channel;
    private final String run;
    private final CcpClient client;
    private final Ledger ledger;
    private volatile CcpSession session;
    volatile String deviceId;
    final AtomicLong reconnects = new AtomicLong();
    /** Why the session ended, if it did (it should not: the SDK reconnects by itself). */
    final AtomicReference<CcpException> ended = new AtomicReference<>();
    final AtomicLong foreignPayloads = new AtomicLong();

    SoakDevice(int index, int channelIndex, long channel, String run, CcpClient client, Ledger ledger) {
        this.index = index;
        this.channelIndex = channelIndex;
        this.channel = channel;
        this.run = run;
        this.client = client;
        this.ledger = ledger;
    }

    CompletableFuture<Void> register(String handle) {
        return client.register(handle).thenCompose(enrolment -> {
            deviceId = enrolment.deviceId();
            return client.connect(this);
        }).thenAccept(s -> session = s);
    }

    CcpSession session() {
        return session;
    }

    boolean connected() {
        CcpSession s = session;
        return s != null && s.state() == SessionState.CONNECTED;
    }

    /** Sends the next message of this device's stream to its channel and books its outcome; returns its seq. */
    long sendNext() {
        long seq = ledger.sent(index);
        byte[] payload = (run + " " + index + " " + seq).getBytes(StandardCharsets.UTF_8);
        session.send(channel, payload).whenComplete((ok, failure) -> {
            if (failure == null) {
                ledger.acked(index, seq);
            } else {
                ledger.refused(index, seq, kindOf(failure));
            }
        });
        return seq;
    }

    private static String kindOf(Throwable failure) {
        Throwable t = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (t instanceof CcpException e) {
            return e.kind().name().toLowerCase(java.util.Locale.ROOT) + e.title().map(title -> " " + title).orElse("");
        }
        return t.getClass().getSimpleName();
    }

    @Override
    public void onMessage(IncomingMessage message) {
        String[] parts = new String(message.payload(), StandardCharsets.UTF_8).split(" ");
        if (parts.length != 3 || !parts[0].equals(run)) {
            foreignPayloads.incrementAndGet();
            return;
        }
        ledger.delivered(index, Integer.parseInt(parts[1]), Long.parseLong(parts[2]));
    }

    @Override
    public void onStateChanged(SessionState state, CcpException cause) {
        if (state == SessionState.RECONNECTING) {
            reconnects.incrementAndGet();
        }
    }

    @Override
    public void onClosed(CcpException failure) {
        if (failure != null) {
            ended.set(failure);
        }
    }

    void close() {
        CcpSession s = session;
        if (s != null) {
            s.close();
        }
        client.close();
    }
}
