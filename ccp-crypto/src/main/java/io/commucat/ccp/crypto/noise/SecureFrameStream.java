package io.commucat.ccp.crypto.noise;

import io.commucat.ccp.proto.BufferReservations;
import io.commucat.ccp.proto.CodecException;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameCodec;
import io.commucat.ccp.proto.FrameLimits;
import io.commucat.ccp.proto.FrameSink;
import io.commucat.ccp.proto.StreamingFrameDecoder;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * CCP-1 frames over an established Noise transport (spec §4.1): a frame is encoded and sealed
 * into as many records as it needs; received wire bytes, in any chunking, are decrypted and
 * decoded into frames. Server and SDK both talk through this one type.
 *
 * <p>Fails closed: a {@link NoiseException} (the transport) or a {@link CodecException} (the
 * decrypted stream) ends reading for good. A codec error leaves the sending half intact, so the
 * owner can still seal the {@code Error {"error":"decode"}} that §4.5 sends before it ends the
 * session; a transport failure ends both halves.
 *
 * <p>Not thread-safe: one owner at a time (the connection's event loop).
 */
public final class SecureFrameStream {

    private final NoiseTransport transport;
    private final StreamingFrameDecoder decoder;
    /** The decrypted stream did not decode: nothing more is read. */
    private CodecException decodeFailure;

    public SecureFrameStream(NoiseTransport transport) {
        this(transport, FrameLimits.DEFAULT);
    }

    public SecureFrameStream(NoiseTransport transport, FrameLimits limits) {
        this(transport, limits, BufferReservations.UNLIMITED);
    }

    /**
     * As above, reserving the buffer of every unfinished frame from {@code reservations} (a
     * server's node-wide budget); {@link #close} gives back whatever is still held.
     */
    public SecureFrameStream(NoiseTransport transport, FrameLimits limits, BufferReservations reservations) {
        this.transport = transport;
        this.decoder = new StreamingFrameDecoder(limits, reservations);
        transport.reserveRecordsFrom(reservations);
    }

    /** The wire bytes of {@code frame}: its encoding, sealed into records of at most 65519 plaintext bytes. */
    public byte[] seal(Frame frame) throws NoiseException {
        return transport.seal(FrameCodec.encode(frame));
    }

    /**
     * The wire bytes of {@code frames}, in order, in one array: the concatenation of {@link
     * #seal(Frame)} of each, sealed straight into it (one write for a batch instead of one array
     * and one write per frame).
     *
     * @throws IllegalArgumentException when the result would not fit an array (nothing is sealed)
     */
    public byte[] seal(List<Frame> frames) throws NoiseException {
        long total = 0;
        for (Frame frame : frames) {
            total += NoiseTransport.sealedLength(frame.encodedLength());
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("sealed frames would exceed an array");
        }
        byte[] out = new byte[(int) total];
        int pos = 0;
        for (Frame frame : frames) {
            byte[] plaintext = FrameCodec.encode(frame);
            pos += transport.seal(plaintext, 0, plaintext.length, out, pos);
        }
        return out;
    }

    /**
     * Consumes wire bytes {@code wire[off, off + len)} and hands every frame they complete to
     * {@code sink}, in order. Every complete frame is delivered: the sink's return value is
     * ignored (to stop, the owner stops feeding bytes).
     */
    public void open(byte[] wire, int off, int len, FrameSink sink) throws NoiseException, CodecException {
        if (decodeFailure != null) {
            throw decodeFailure;
        }
        // The codec error is caught inside the transport's sink: thrown through it, it would fail
        // the transport in both directions (a decryption-grade failure), and the Error could not
        // be sealed.
        transport.open(wire, off, len, plaintext -> {
            if (decodeFailure != null) {
                return;
            }
            try {
                decoder.decode(ByteBuffer.wrap(plaintext), frame -> {
                    sink.accept(frame);
                    return true;
                });
            } catch (CodecException e) {
                decodeFailure = e;
            }
        });
        if (decodeFailure != null) {
            throw decodeFailure;
        }
    }

    /** The stream has ended: a partial frame inside the plaintext is an unexpected end. */
    public void endOfStream() throws CodecException {
        if (decodeFailure != null) {
            throw decodeFailure;
        }
        decoder.endOfStream();
    }

    /** Erases the keys and gives back the buffer of an unfinished frame. Idempotent. */
    public void close() {
        transport.close();
        decoder.release();
    }

    /** Bytes reserved for an unfinished frame now (the record being reassembled not included). */
    public long reservedBytes() {
        return decoder.reservedBytes();
    }

    public NoiseTransport.State state() {
        return transport.state();
    }
}
