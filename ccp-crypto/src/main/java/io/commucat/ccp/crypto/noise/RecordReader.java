package io.commucat.ccp.crypto.noise;

import io.commucat.ccp.proto.BufferReservations;
import io.commucat.ccp.proto.CodecException;
import io.commucat.ccp.proto.Varint;

/**
 * Cuts the spec §4.1 record stream, {@code varint(len(ciphertext)) || ciphertext} repeated, out
 * of wire bytes that arrive in arbitrary pieces. Between records it holds nothing but a few
 * bytes of a split length prefix, so an idle session stays small; a record's buffer is
 * allocated only once its length is known to be valid, and only when the record does not lie
 * whole inside one piece.
 */
final class RecordReader {

    /** Takes one complete record; {@code buf} is valid only during the call. */
    interface RecordHandler<X extends Exception> {
        void record(byte[] buf, int off, int len) throws NoiseException, X;
    }

    private byte[] header;
    private int headerLength;
    private byte[] record;
    private int recordFill;
    private BufferReservations reservations = BufferReservations.UNLIMITED;
    /** Bytes of {@link #record} reserved; 0 when no record is being reassembled. */
    private int reserved;

    /** Where split records' buffers are reserved from (before any bytes are fed). */
    void reserveFrom(BufferReservations budget) {
        this.reservations = budget;
    }

    /** Drops an unfinished record and gives its reservation back. Idempotent. */
    void release() {
        record = null;
        if (reserved > 0) {
            int held = reserved;
            reserved = 0;
            reservations.release(held);
        }
    }

    /** Consumes {@code in[off, off + len)}, passing on each record as soon as it is complete. */
    <X extends Exception> void feed(byte[] in, int off, int len, RecordHandler<X> handler) throws NoiseException, X {
        int pos = off;
        int end = off + len;
        while (pos < end) {
            if (record != null) {
                int n = Math.min(record.length - recordFill, end - pos);
                System.arraycopy(in, pos, record, recordFill, n);
                recordFill += n;
                pos += n;
                if (recordFill == record.length) {
                    byte[] complete = record;
                    release();
                    handler.record(complete, 0, complete.length);
                }
                continue;
            }
            int length;
            if (headerLength == 0) {
                Varint.Decoded d = decode(in, pos, end);
                if (d == null) {
                    // The prefix continues in the next piece; fewer than 10 bytes are left here.
                    if (header == null) {
                        header = new byte[Varint.MAX_BYTES];
                    }
                    headerLength = end - pos;
                    System.arraycopy(in, pos, header, 0, headerLength);
                    return;
                }
                pos += d.length();
                length = checkedLength(d.value());
            } else {
                header[headerLength++] = in[pos++];
                Varint.Decoded d = decode(header, 0, headerLength);
                if (d == null) {
                    continue;
                }
                headerLength = 0;
                length = checkedLength(d.value());
            }
            if (end - pos >= length) {
                handler.record(in, pos, length);
                pos += length;
            } else {
                if (!reservations.reserve(length)) {
                    throw new NoiseException(NoiseException.Kind.BUFFER_REFUSED, "no memory for a split record now");
                }
                reserved = length;
                record = new byte[length];
                recordFill = 0;
            }
        }
    }

    /** Bytes held for an unfinished record (prefix or body). */
    int pendingBytes() {
        return headerLength + (record == null ? 0 : recordFill);
    }

    private static Varint.Decoded decode(byte[] in, int off, int limit) throws NoiseException {
        try {
            return Varint.decode(in, off, limit);
        } catch (CodecException e) {
            throw new NoiseException(NoiseException.Kind.MALFORMED_MESSAGE, "record length prefix overflows");
        }
    }

    /** Validates a record length before anything is allocated or waited for. */
    private static int checkedLength(long length) throws NoiseException {
        if (length < 0 || length > NoisePattern.MAX_MESSAGE_LENGTH) {
            throw new NoiseException(NoiseException.Kind.MESSAGE_TOO_LARGE, "record over 65535 bytes");
        }
        if (length < NoisePattern.TAG_LENGTH) {
            throw new NoiseException(NoiseException.Kind.MALFORMED_MESSAGE, "record shorter than its tag");
        }
        return (int) length;
    }
}
