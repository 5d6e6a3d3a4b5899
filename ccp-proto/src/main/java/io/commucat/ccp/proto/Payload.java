package io.commucat.ccp.proto;

/** A frame's payload: a JSON control object or opaque bytes, as its {@link FrameType} demands. */
public sealed interface Payload permits ControlPayload, OpaquePayload {

    PayloadKind kind();

    /** Length of the payload on the wire. */
    int length();

    /** Copies the payload's wire bytes into {@code dst} at {@code offset}. */
    void copyTo(byte[] dst, int offset);

    /** A copy of the payload's wire bytes. */
    byte[] toByteArray();
}
