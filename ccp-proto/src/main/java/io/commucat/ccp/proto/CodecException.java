package io.commucat.ccp.proto;

/**
 * A CCP-1 frame could not be decoded (spec §2). The {@link Kind} is the whole diagnosis:
 * callers branch on it, never on the message, and the message never echoes peer bytes.
 */
public final class CodecException extends Exception {

    /** Error kinds of spec §2, with the names used by the conformance vectors. */
    public enum Kind {
        UNEXPECTED_EOF("unexpected_eof"),
        INVALID_FRAME_TYPE("invalid_frame_type"),
        VARINT_OVERFLOW("varint_overflow"),
        FRAME_TOO_LARGE("frame_too_large"),
        PAYLOAD_TOO_LARGE("payload_too_large"),
        CHANNEL_ID_TOO_LARGE("channel_id_too_large"),
        SEQUENCE_TOO_LARGE("sequence_too_large"),
        INVALID_CONTROL_JSON("invalid_control_json"),
        CONTROL_TOO_LARGE("control_too_large"),
        TRAILING_BYTES("trailing_bytes"),
        /** The receiver's memory budget refused the buffer a frame needs (not the peer's fault alone). */
        BUFFER_REFUSED("buffer_refused");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** The snake-case name used in vectors, logs and metrics. */
        public String label() {
            return label;
        }
    }

    private final Kind kind;

    public CodecException(Kind kind, String message) {
        super(kind.label() + ": " + message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
