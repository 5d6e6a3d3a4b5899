package io.commucat.ccp.proto;

/**
 * Size limits a codec enforces (spec §2). {@link #DEFAULT} is the protocol's; a server may
 * configure tighter ones (for instance during the bootstrap, where frames are small), never
 * looser ones.
 *
 * @param maxBodyBytes the largest frame body, the length-prefix value
 * @param maxPayloadBytes the largest payload of any frame
 * @param maxControlBytes the largest control (JSON) payload
 */
public record FrameLimits(int maxBodyBytes, int maxPayloadBytes, int maxControlBytes) {

    /** 16 MiB, the protocol's limit for a body and for a payload. */
    public static final int PROTOCOL_MAX_BODY = 16 * 1024 * 1024;

    /** 256 KiB, the protocol's limit for a control payload. */
    public static final int PROTOCOL_MAX_CONTROL = 256 * 1024;

    /** Channel ids and sequences are unsigned 32-bit. */
    public static final long MAX_U32 = 0xFFFF_FFFFL;

    public static final FrameLimits DEFAULT =
            new FrameLimits(PROTOCOL_MAX_BODY, PROTOCOL_MAX_BODY, PROTOCOL_MAX_CONTROL);

    public FrameLimits {
        if (maxBodyBytes < 1 || maxBodyBytes > PROTOCOL_MAX_BODY) {
            throw new IllegalArgumentException("maxBodyBytes must be in 1.." + PROTOCOL_MAX_BODY);
        }
        if (maxPayloadBytes < 0 || maxPayloadBytes > PROTOCOL_MAX_BODY) {
            throw new IllegalArgumentException("maxPayloadBytes must be in 0.." + PROTOCOL_MAX_BODY);
        }
        if (maxControlBytes < 0 || maxControlBytes > PROTOCOL_MAX_CONTROL) {
            throw new IllegalArgumentException("maxControlBytes must be in 0.." + PROTOCOL_MAX_CONTROL);
        }
    }
}
