package io.commucat.ccp.client.handshake;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.commucat.ccp.crypto.cert.DeviceCertificate;
import io.commucat.ccp.crypto.noise.SecureFrameStream;
import java.time.Duration;

/**
 * A finished bootstrap: the session token, what the server's Ack said, and the encrypted frame
 * stream to go on with (ccp-1.md §3.4, §4.1).
 *
 * @param certificate the device certificate the server issued or confirmed
 * @param ack the whole Ack object, for fields this record does not lift out
 */
public record EstablishedSession(String session, String userId, DeviceCertificate certificate,
        Duration keepaliveInterval, boolean pairingRequired, ObjectNode ack, SecureFrameStream frames) {

    @Override
    public String toString() {
        return "EstablishedSession[user=" + userId + "]";
    }
}
