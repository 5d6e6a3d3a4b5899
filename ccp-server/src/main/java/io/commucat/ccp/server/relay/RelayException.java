package io.commucat.ccp.server.relay;

/**
 * A frame the relay refused; the session answers it with {@code Error {"error": kind, "detail",
 * "ack"}} and goes on (ccp-1.md §4.5).
 */
public final class RelayException extends Exception {

    public enum Kind {
        /** No channel has this id. */
        UNKNOWN_CHANNEL("unknown_channel"),
        /** The channel exists, but the sender is not an active member of it. */
        NOT_MEMBER("not_member"),
        /** The payload's fields are missing or malformed. */
        BAD_REQUEST("bad_request"),
        /** A Join or GroupInvite named a group that does not exist. */
        UNKNOWN_GROUP("unknown_group"),
        /** A GroupCreate named a group id that is taken. */
        GROUP_EXISTS("group_exists"),
        /** The sender belongs to the group but its role does not allow this (members cannot invite). */
        FORBIDDEN("forbidden"),
        /**
         * A durable frame that would take a recipient's inbox past its quota (envelopes or bytes):
         * nothing was queued for anyone; resend once that device has drained its inbox.
         */
        QUOTA_EXCEEDED("quota_exceeded"),
        /** A Join, GroupCreate or GroupInvite listed devices that are not registered. */
        UNKNOWN_DEVICE("unknown_device"),
        /** The channel would have more members than a channel may list. */
        CHANNEL_FULL("channel_full"),
        /** A listed device (or the sender) would belong to more channels than a device may. */
        TOO_MANY_CHANNELS("too_many_channels"),
        /** A durable frame whose copies for all recipients would exceed the fan-out budget. */
        TOO_LARGE("too_large"),
        /** Storage failed or is saturated: nothing was accepted, the device may retry. */
        UNAVAILABLE("unavailable"),
        /** The session has too many frames waiting for storage: nothing was accepted. */
        BUSY("busy");

        private final String wire;

        Kind(String wire) {
            this.wire = wire;
        }

        /** The {@code error} value on the wire. */
        public String wire() {
            return wire;
        }
    }

    private final Kind kind;

    public RelayException(Kind kind, String detail) {
        super(detail, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public String detail() {
        return getMessage();
    }
}
