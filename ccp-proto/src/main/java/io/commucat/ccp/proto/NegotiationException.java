package io.commucat.ccp.proto;

/** The peers share no protocol version (spec §2.2). */
public final class NegotiationException extends Exception {

    public enum Kind {
        /** {@code supported_versions} names no version we speak. */
        NO_COMMON_VERSION,
        /** {@code protocol_version} names a version we do not speak. */
        UNSUPPORTED_VERSION
    }

    private final Kind kind;

    public NegotiationException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
