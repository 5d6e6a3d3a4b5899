package io.commucat.ccp.proto;

import io.commucat.ccp.proto.CodecException.Kind;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes frames from a byte stream that arrives in arbitrary chunks, down to one byte at a
 * time (spec §2). Not thread-safe: one owner feeds it, in stream order.
 *
 * <p>Memory follows the bytes actually received, never a peer's claims: the length prefix is
 * checked against the limit as soon as it is complete, and the body buffer grows with the data
 * up to exactly the declared size, so a peer that announces 16 MiB and sends one byte costs a
 * few bytes. A completed body is handed to its frame without copying.
 *
 * <p>Every byte of that buffer is reserved from {@link BufferReservations} before it is
 * allocated and released exactly once: when the frame completes, when the decoder fails, or on
 * {@link #release()}. A refused reservation is a {@link Kind#BUFFER_REFUSED} failure.
 *
 * <p>Any error is fatal: the decoder moves to {@link State#FAILED} and rethrows it on every
 * later call.
 */
public final class StreamingFrameDecoder {

    /** Where the decoder is in the stream. */
    public enum State {
        /** Between frames, or inside the length prefix. */
        LENGTH,
        /** Inside a body whose length is known. */
        BODY,
        /** A codec error ended the stream. */
        FAILED
    }

    private static final int FIRST_BODY_CHUNK = 256;

    private final FrameCodec codec;
    private final BufferReservations reservations;
    /** Bytes of {@link #body} reserved from {@link #reservations}; 0 between frames. */
    private long reserved;
    private final byte[] lengthBytes = new byte[Varint.MAX_BYTES];
    private int lengthFill;
    private byte[] body;
    private int bodyLength;
    private int bodyFill;
    private State state = State.LENGTH;
    private CodecException failure;

    public StreamingFrameDecoder() {
        this(FrameLimits.DEFAULT);
    }

    public StreamingFrameDecoder(FrameLimits limits) {
        this(limits, BufferReservations.UNLIMITED);
    }

    /** As above, reserving every body buffer from {@code reservations}. */
    public StreamingFrameDecoder(FrameLimits limits, BufferReservations reservations) {
        this.codec = new FrameCodec(limits);
        this.reservations = java.util.Objects.requireNonNull(reservations, "reservations");
    }

    /** Bytes this decoder holds reserved now (for tests and metrics). */
    public long reservedBytes() {
        return reserved;
    }

    /**
     * Gives back what the decoder holds for an unfinished frame and drops it; the decoder fails
     * every later call. Idempotent: the owner calls it whenever the stream ends.
     */
    public void release() {
        if (state != State.FAILED) {
            fail(new CodecException(Kind.UNEXPECTED_EOF, "decoder released"));
        } else {
            releaseBody();
        }
    }

    private void fail(CodecException e) {
        failure = e;
        state = State.FAILED;
        releaseBody();
    }

    private void releaseBody() {
        body = null;
        if (reserved > 0) {
            long held = reserved;
            reserved = 0;
            reservations.release(held);
        }
    }

    public State state() {
        return state;
    }

    /** Bytes held for a frame that is not complete yet. */
    public int bufferedBytes() {
        return state == State.BODY ? lengthFill + bodyFill : lengthFill;
    }

    /**
     * Consumes bytes from {@code src}, advancing its position, and hands each complete frame to
     * {@code sink}. Returns when {@code src} is empty or the sink asked to stop; in the latter
     * case {@code src} is positioned right after the last frame delivered.
     */
    public void decode(ByteBuffer src, FrameSink sink) throws CodecException {
        failIfFailed();
        try {
            while (src.hasRemaining()) {
                Frame frame = step(src);
                if (frame != null && !sink.accept(frame)) {
                    return;
                }
            }
        } catch (CodecException e) {
            fail(e);
            throw e;
        }
    }

    /** Convenience for tests and tools: decodes everything in {@code bytes}. */
    public List<Frame> decode(byte[] bytes) throws CodecException {
        List<Frame> frames = new ArrayList<>();
        decode(ByteBuffer.wrap(bytes), frames::add);
        return frames;
    }

    /**
     * The stream has ended. A partial frame is then an {@link Kind#UNEXPECTED_EOF}.
     */
    public void endOfStream() throws CodecException {
        failIfFailed();
        if (bufferedBytes() > 0) {
            fail(new CodecException(Kind.UNEXPECTED_EOF, "stream ends inside a frame"));
            throw failure;
        }
    }

    private void failIfFailed() throws CodecException {
        if (state == State.FAILED) {
            throw failure;
        }
    }

    /** Consumes what it can of one frame; returns it when complete. */
    private Frame step(ByteBuffer src) throws CodecException {
        if (state == State.LENGTH) {
            while (src.hasRemaining()) {
                lengthBytes[lengthFill++] = src.get();
                Varint.Decoded len = Varint.decode(lengthBytes, 0, lengthFill);
                if (len != null) {
                    startBody(codec.checkBodyLength(len.value()));
                    break;
                }
            }
            if (state == State.LENGTH) {
                return null;
            }
        }
        int take = Math.min(src.remaining(), bodyLength - bodyFill);
        ensureCapacity(bodyFill + take);
        src.get(body, bodyFill, take);
        bodyFill += take;
        if (bodyFill < bodyLength) {
            return null;
        }
        byte[] complete = body;
        int length = bodyLength;
        resetToLength();
        return codec.decodeBody(complete, 0, length, true);
    }

    private void startBody(int declaredLength) {
        state = State.BODY;
        bodyLength = declaredLength;
        bodyFill = 0;
        body = null;
    }

    /**
     * Grows the body buffer geometrically, never past the declared body length, reserving the
     * growth first (the old buffer and the new one coexist only during the copy).
     */
    private void ensureCapacity(int needed) throws CodecException {
        int capacity = body == null ? 0 : body.length;
        if (needed <= capacity && body != null) {
            return;
        }
        int next = Math.max(needed, Math.max(FIRST_BODY_CHUNK, capacity * 2));
        int size = Math.min(next, bodyLength);
        if (size > reserved) {
            if (!reservations.reserve(size - reserved)) {
                throw new CodecException(Kind.BUFFER_REFUSED, "no memory for a " + bodyLength + "-byte frame now");
            }
            reserved = size;
        }
        byte[] grown = new byte[size];
        if (body != null) {
            System.arraycopy(body, 0, grown, 0, bodyFill);
        }
        body = grown;
    }

    private void resetToLength() {
        state = State.LENGTH;
        lengthFill = 0;
        releaseBody();
        bodyLength = 0;
        bodyFill = 0;
    }
}
