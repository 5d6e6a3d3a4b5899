package io.commucat.ccp.proto;

/** The CCP-1 frame types of spec §2.1, with their wire codes and payload kinds. */
public enum FrameType {
    HELLO(0x01, "Hello", "hello", PayloadKind.CONTROL),
    AUTH(0x02, "Auth", "auth", PayloadKind.CONTROL),
    JOIN(0x03, "Join", "join", PayloadKind.CONTROL),
    LEAVE(0x04, "Leave", "leave", PayloadKind.CONTROL),
    MSG(0x05, "Msg", "msg", PayloadKind.OPAQUE),
    ACK(0x06, "Ack", "ack", PayloadKind.CONTROL),
    TYPING(0x07, "Typing", "typing", PayloadKind.CONTROL),
    PRESENCE(0x08, "Presence", "presence", PayloadKind.CONTROL),
    KEY_UPDATE(0x09, "KeyUpdate", "key_update", PayloadKind.CONTROL),
    GROUP_CREATE(0x0a, "GroupCreate", "group_create", PayloadKind.CONTROL),
    GROUP_INVITE(0x0b, "GroupInvite", "group_invite", PayloadKind.CONTROL),
    GROUP_EVENT(0x0c, "GroupEvent", "group_event", PayloadKind.CONTROL),
    ERROR(0x0d, "Error", "error", PayloadKind.CONTROL),
    CALL_OFFER(0x0e, "CallOffer", "call_offer", PayloadKind.CONTROL),
    CALL_ANSWER(0x0f, "CallAnswer", "call_answer", PayloadKind.CONTROL),
    CALL_END(0x10, "CallEnd", "call_end", PayloadKind.CONTROL),
    VOICE_FRAME(0x11, "VoiceFrame", "voice_frame", PayloadKind.OPAQUE),
    VIDEO_FRAME(0x12, "VideoFrame", "video_frame", PayloadKind.OPAQUE),
    CALL_STATS(0x13, "CallStats", "call_stats", PayloadKind.CONTROL),
    TRANSPORT_UPDATE(0x14, "TransportUpdate", "transport_update", PayloadKind.CONTROL);

    private static final FrameType[] BY_CODE = new FrameType[256];

    static {
        for (FrameType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;
    private final String wireName;
    private final String label;
    private final PayloadKind payloadKind;

    FrameType(int code, String wireName, String label, PayloadKind payloadKind) {
        this.code = code;
        this.wireName = wireName;
        this.label = label;
        this.payloadKind = payloadKind;
    }

    /** The type byte on the wire. */
    public int code() {
        return code;
    }

    /** The spec's name ({@code KeyUpdate}), as the vectors spell it. */
    public String wireName() {
        return wireName;
    }

    /** Lower snake case ({@code key_update}), as NDJSON long-poll {@code type} uses it (§1.2). */
    public String label() {
        return label;
    }

    public PayloadKind payloadKind() {
        return payloadKind;
    }

    /** The type for a wire code, or {@code null} when the code is not a CCP-1 type. */
    public static FrameType fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** The type named {@code wireName} (as in {@link #wireName()}), or {@code null}. */
    public static FrameType fromWireName(String wireName) {
        for (FrameType t : values()) {
            if (t.wireName.equals(wireName)) {
                return t;
            }
        }
        return null;
    }
}
