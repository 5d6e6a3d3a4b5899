package io.commucat.ccp.ledger;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.util.Objects;

/**
 * Writes the chain to standard output (or any stream) for debugging: the same lines as a file,
 * starting from genesis at every start, so it proves only what one run did.
 */
public final class StdoutLedger implements LedgerSink {

    private final OutputStream out;
    private final Clock clock;
    private final Chain chain = new Chain(ChainHead.GENESIS);
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    /** On {@code System.out}, which it never closes. */
    public StdoutLedger() {
        this(System.out, Clock.systemUTC());
    }

    public StdoutLedger(OutputStream out, Clock clock) {
        this.out = Objects.requireNonNull(out, "out");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Receipt append(LedgerEvent event) {
        SealedRecord record = chain.seal(event, clock.instant());
        pending.writeBytes(record.line());
        return record.receipt();
    }

    @Override
    public void commit() throws IOException {
        pending.writeTo(out);
        pending.reset();
        out.flush();
    }

    @Override
    public ChainHead head() {
        return chain.head();
    }

    @Override
    public void close() throws IOException {
        commit();
    }
}
