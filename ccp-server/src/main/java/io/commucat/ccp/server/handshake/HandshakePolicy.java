package io.commucat.ccp.server.handshake;

import java.time.Duration;

/**
 * The configuration the bootstrap obeys (architecture.md defaults).
 *
 * @param domain the server's domain, bound into every proof (§3.5)
 * @param prologue the Noise prologue (§3.7)
 * @param autoApproveDevices whether unknown devices may register in a handshake
 * @param autoApproveExistingUsers whether that also holds for users that existed before the
 *     Hello (off: further devices come through pairing; Deviation in §3.2 step 6)
 * @param maxAutoDevicesPerUser active devices a user may hold for auto-approval (0 = no limit)
 * @param connectionKeepalive session lifetime after creation or refresh
 * @param keepaliveInterval how often a live connection refreshes session and presence (§4.3)
 * @param presenceTtl lifetime of a presence snapshot and route
 * @param certificateValidity validity of certificates the server issues (§3.2 step 8)
 * @param helloTimeout the Hello must arrive this soon after the {@code /connect} stream opened
 * @param bootstrapTimeout the device's Auth must complete the handshake this soon after the
 *     stream opened; past either deadline the bootstrap fails with reason {@code timeout}
 */
public record HandshakePolicy(
        String domain,
        byte[] prologue,
        boolean autoApproveDevices,
        boolean autoApproveExistingUsers,
        int maxAutoDevicesPerUser,
        Duration connectionKeepalive,
        Duration keepaliveInterval,
        Duration presenceTtl,
        Duration certificateValidity,
        Duration helloTimeout,
        Duration bootstrapTimeout) {

    public HandshakePolicy {
        prologue = prologue.clone();
    }

    @Override
    public byte[] prologue() {
        return prologue.clone();
    }
}
