package io.commucat.ccp.client;

/**
 * A {@code Msg} delivered on a channel.
 *
 * @param channel  the channel id
 * @param payload  the sender's bytes as sent (the server does not read them)
 * @param sequence the server's sequence for it on this connection
 */
public record IncomingMessage(long channel, byte[] payload, long sequence) {

    /** Copies {@code payload}: the record is immutable. */
    public IncomingMessage {
        payload = payload.clone();
    }

    /** @return a copy of the payload */
    @Override
    public byte[] payload() {
        return payload.clone();
    }
}
