package io.commucat.ccp.crypto.noise;

import io.commucat.ccp.proto.Varint;
import java.io.ByteArrayOutputStream;
import java.util.Objects;

/**
 * The two cipher states of a finished Noise handshake, and CCP-1's record layer over them
 * (spec §4.1): on the wire each Noise transport message is {@code varint(len(ciphertext)) ||
 * ciphertext}; the plaintexts, in order, form one byte stream of encoded CCP frames.
 *
 * <ul>
 *   <li>{@link #seal} splits any plaintext into records of at most {@value
 *       #MAX_PLAINTEXT_LENGTH} plaintext bytes;
 *   <li>{@link #open(byte[], int, int, PlaintextSink)} takes wire bytes in arbitrary pieces (one
 *       byte at a time works), validates each record length before allocating, and hands out
 *       plaintext in order;
 *   <li>{@link #encrypt}/{@link #decrypt} handle single Noise transport messages without the
 *       length prefix (IK key confirmation, spec §3.4).
 * </ul>
 *
 * <p>Fails closed: a decryption failure, a malformed or oversized record, nonce exhaustion, or
 * an exception from the sink moves the transport to {@link State#FAILED} for good, in both
 * directions; every later call throws {@link NoiseException.Kind#BAD_STATE}.
 *
 * <p>An idle transport holds two keys, two nonces and a few bytes of a split length prefix.
 *
 * <p>Not thread-safe: one owner at a time (e.g. the connection's event loop).
 */
public final class NoiseTransport {

    /** The largest Noise message (spec §3.7). */
    public static final int MAX_MESSAGE_LENGTH = NoisePattern.MAX_MESSAGE_LENGTH;
    /** The ChaCha20-Poly1305 tag on every message. */
    public static final int TAG_LENGTH = NoisePattern.TAG_LENGTH;
    /** The most plaintext one message carries: 65519. */
    public static final int MAX_PLAINTEXT_LENGTH = MAX_MESSAGE_LENGTH - TAG_LENGTH;

    private static final int FULL_RECORD = Varint.size(MAX_MESSAGE_LENGTH) + MAX_MESSAGE_LENGTH;
    /** Noise reserves nonce 2^64 - 1; it is -1 as a Java long. */
    private static final long EXHAUSTED = -1L;

    /** Whether the transport can still be used. */
    public enum State {
        OPEN,
        /** A failure ended it. */
        FAILED,
        /** {@link #close()} ended it. */
        CLOSED
    }

    private final TransportCipher sender;
    private final TransportCipher receiver;
    private final RecordReader reader = new RecordReader();
    private long sendNonce;
    private long receiveNonce;
    private State state = State.OPEN;

    NoiseTransport(TransportCipher sender, TransportCipher receiver) {
        this.sender = sender;
        this.receiver = receiver;
    }

    /**
     * Encrypts one Noise transport message (no length prefix).
     *
     * @throws NoiseException {@code MESSAGE_TOO_LARGE} over {@value #MAX_PLAINTEXT_LENGTH} bytes,
     *     {@code NONCE_EXHAUSTED}, {@code BAD_STATE} when not open
     */
    public byte[] encrypt(byte[] plaintext) throws NoiseException {
        checkOpen();
        boolean ok = false;
        try {
            if (plaintext.length > MAX_PLAINTEXT_LENGTH) {
                throw new NoiseException(NoiseException.Kind.MESSAGE_TOO_LARGE, "plaintext over 65519 bytes");
            }
            byte[] out = new byte[plaintext.length + TAG_LENGTH];
            sender.encrypt(nextSendNonce(), plaintext, 0, plaintext.length, out, 0);
            ok = true;
            return out;
        } finally {
            failUnless(ok);
        }
    }

    /**
     * Decrypts one Noise transport message (no length prefix).
     *
     * @throws NoiseException {@code DECRYPT}, {@code MESSAGE_TOO_LARGE} over 65535 bytes,
     *     {@code MALFORMED_MESSAGE} under 16, {@code NONCE_EXHAUSTED}, {@code BAD_STATE}
     */
    public byte[] decrypt(byte[] ciphertext) throws NoiseException {
        checkOpen();
        boolean ok = false;
        try {
            if (ciphertext.length > MAX_MESSAGE_LENGTH) {
                throw new NoiseException(NoiseException.Kind.MESSAGE_TOO_LARGE, "Noise message over 65535 bytes");
            }
            if (ciphertext.length < TAG_LENGTH) {
                throw new NoiseException(NoiseException.Kind.MALFORMED_MESSAGE, "Noise message shorter than its tag");
            }
            byte[] plaintext = decryptRecord(ciphertext, 0, ciphertext.length);
            ok = true;
            return plaintext;
        } finally {
            failUnless(ok);
        }
    }

    /**
     * Wire bytes for {@code plaintextLength} bytes of plaintext: one record per started
     * {@value #MAX_PLAINTEXT_LENGTH} bytes, none for an empty plaintext.
     *
     * @throws IllegalArgumentException when the result would not fit an array
     */
    public static int sealedLength(int plaintextLength) {
        if (plaintextLength < 0) {
            throw new IllegalArgumentException("negative length");
        }
        long full = plaintextLength / MAX_PLAINTEXT_LENGTH;
        int rest = plaintextLength % MAX_PLAINTEXT_LENGTH;
        long total = full * FULL_RECORD;
        if (rest > 0) {
            total += Varint.size(rest + TAG_LENGTH) + rest + TAG_LENGTH;
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("sealed plaintext would exceed an array");
        }
        return (int) total;
    }

    /** {@link #seal(byte[], int, int)} of the whole array. */
    public byte[] seal(byte[] plaintext) throws NoiseException {
        return seal(plaintext, 0, plaintext.length);
    }

    /** The records for {@code src[off, off + len)}, as one array of {@link #sealedLength} bytes. */
    public byte[] seal(byte[] src, int off, int len) throws NoiseException {
        Objects.checkFromIndexSize(off, len, src.length);
        byte[] out = new byte[sealedLength(len)];
        seal(src, off, len, out, 0);
        return out;
    }

    /**
     * Writes the records for {@code src[off, off + len)} into {@code out} at {@code outOff}.
     *
     * @return the number of bytes written, {@link #sealedLength}{@code (len)}
     * @throws NoiseException {@code NONCE_EXHAUSTED}, {@code BAD_STATE} when not open
     * @throws IndexOutOfBoundsException when a range lies outside its array (nothing is written)
     */
    public int seal(byte[] src, int off, int len, byte[] out, int outOff) throws NoiseException {
        Objects.checkFromIndexSize(off, len, src.length);
        int total = sealedLength(len);
        Objects.checkFromIndexSize(outOff, total, out.length);
        checkOpen();
        boolean ok = false;
        try {
            int pos = outOff;
            for (int done = 0; done < len; ) {
                int chunk = Math.min(MAX_PLAINTEXT_LENGTH, len - done);
                pos = Varint.write(chunk + TAG_LENGTH, out, pos);
                sender.encrypt(nextSendNonce(), src, off + done, chunk, out, pos);
                pos += chunk + TAG_LENGTH;
                done += chunk;
            }
            ok = true;
            return pos - outOff;
        } finally {
            failUnless(ok);
        }
    }

    /**
     * Consumes wire bytes {@code wire[off, off + len)}, which may end anywhere (inside a length
     * prefix or a record); passes the plaintext of every record completed so far to {@code
     * sink}, in order. Records with empty plaintext are consumed silently.
     *
     * @throws NoiseException {@code DECRYPT}; {@code MESSAGE_TOO_LARGE} for a record length over
     *     65535 and {@code MALFORMED_MESSAGE} for one under 16 or an overflowing prefix (both
     *     raised as soon as the prefix is in); {@code NONCE_EXHAUSTED}; {@code BAD_STATE}
     * @throws X what the sink throws; the transport fails then too
     */
    public <X extends Exception> void open(byte[] wire, int off, int len, PlaintextSink<X> sink)
            throws NoiseException, X {
        Objects.checkFromIndexSize(off, len, wire.length);
        Objects.requireNonNull(sink, "sink");
        checkOpen();
        boolean ok = false;
        try {
            reader.feed(wire, off, len, (buf, o, l) -> {
                byte[] plaintext = decryptRecord(buf, o, l);
                if (plaintext.length > 0) {
                    sink.accept(plaintext);
                }
            });
            ok = true;
        } finally {
            failUnless(ok);
        }
    }

    /** {@link #open(byte[], int, int, PlaintextSink)} of the whole array, collecting the plaintext. */
    public byte[] open(byte[] wire) throws NoiseException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        open(wire, 0, wire.length, out::writeBytes);
        return out.toByteArray();
    }

    public State state() {
        return state;
    }

    /** Erases the keys; later calls throw {@code BAD_STATE}. Idempotent. */
    public void close() {
        if (state == State.OPEN) {
            destroy();
            state = State.CLOSED;
        }
    }

    /** Bytes held for an unfinished incoming record (for tests of the idle footprint). */
    int pendingBytes() {
        return reader.pendingBytes();
    }

    /** FOR TESTS ONLY: jumps the nonces, to reach exhaustion without 2^64 messages. */
    void setNoncesForTesting(long send, long receive) {
        sendNonce = send;
        receiveNonce = receive;
    }

    private byte[] decryptRecord(byte[] buf, int off, int len) throws NoiseException {
        if (receiveNonce == EXHAUSTED) {
            throw new NoiseException(NoiseException.Kind.NONCE_EXHAUSTED, "receive nonce exhausted");
        }
        byte[] plaintext = new byte[len - TAG_LENGTH];
        if (!receiver.decrypt(receiveNonce, buf, off, len, plaintext, 0)) {
            throw new NoiseException(NoiseException.Kind.DECRYPT, "transport message does not authenticate");
        }
        receiveNonce++;
        return plaintext;
    }

    private long nextSendNonce() throws NoiseException {
        if (sendNonce == EXHAUSTED) {
            throw new NoiseException(NoiseException.Kind.NONCE_EXHAUSTED, "send nonce exhausted");
        }
        return sendNonce++;
    }

    private void checkOpen() throws NoiseException {
        if (state != State.OPEN) {
            throw new NoiseException(NoiseException.Kind.BAD_STATE, "transport is not open");
        }
    }

    private void failUnless(boolean ok) {
        if (!ok && state == State.OPEN) {
            destroy();
            state = State.FAILED;
        }
    }

    private void destroy() {
        sender.destroy();
        receiver.destroy();
        reader.release();
    }

    /**
     * Reserves the buffer of every record that arrives split from {@code reservations}; it is
     * given back when the record completes or the transport closes or fails.
     */
    void reserveRecordsFrom(io.commucat.ccp.proto.BufferReservations reservations) {
        reader.reserveFrom(reservations);
    }
}
