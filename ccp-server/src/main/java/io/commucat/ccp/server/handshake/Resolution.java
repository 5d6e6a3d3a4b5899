package io.commucat.ccp.server.handshake;

import io.commucat.ccp.crypto.cert.DeviceCertificate;
import io.commucat.ccp.server.storage.User;

/**
 * Who a Hello turned out to be (§3.2 steps 6–9).
 *
 * @param user the device's user, with profile hints applied
 * @param deviceKnown whether the device was registered before this Hello
 * @param certificate the certificate the device holds after this Hello (presented or issued)
 * @param certificateIssued whether this Hello issued it
 * @param pairingRequired whether a further device of this user would need pairing (Ack's
 *     {@code pairing_required}, computed as the original does with our policy)
 */
public record Resolution(User user, boolean deviceKnown, DeviceCertificate certificate, boolean certificateIssued,
        boolean pairingRequired) {
}
