package io.commucat.ccp.server.relay;

import io.commucat.ccp.proto.FrameType;

/** What the server does with a frame a device sends on an established session (ccp-1.md §4.2–4.4). */
public enum Handling {
    /** Join and Leave: membership changes, then an Ack. */
    MEMBERSHIP,
    /** Msg, KeyUpdate, GroupEvent: queued for every other active member, Acked once durable. */
    DURABLE,
    /** Typing, call and media frames: relayed to connected members only, never queued. */
    EPHEMERAL,
    /** GroupCreate and GroupInvite: change the stored group and the channel, then relayed like DURABLE. */
    GROUP,
    /** Presence, Ack, Error: handled by the session itself, never Acked. */
    SESSION,
    /** Hello and Auth: the bootstrap is over. */
    UNEXPECTED;

    public static Handling of(FrameType type) {
        return switch (type) {
            case JOIN, LEAVE -> MEMBERSHIP;
            case MSG, KEY_UPDATE, GROUP_EVENT -> DURABLE;
            case TYPING, CALL_OFFER, CALL_ANSWER, CALL_END, VOICE_FRAME, VIDEO_FRAME, CALL_STATS, TRANSPORT_UPDATE ->
                    EPHEMERAL;
            case GROUP_CREATE, GROUP_INVITE -> GROUP;
            case PRESENCE, ACK, ERROR -> SESSION;
            case HELLO, AUTH -> UNEXPECTED;
        };
    }
}
