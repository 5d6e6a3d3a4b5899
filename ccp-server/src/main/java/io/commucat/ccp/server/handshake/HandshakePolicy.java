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
 * @param keepaliveInterval how often a live connection is pinged and at least refreshes session and
 *     presence (§4.3; see {@link #refreshPeriod})
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

    /**
     * How often a live session's row, presence snapshot and route are written again: every
     * {@code keepaliveInterval} (§4.3), but also within three quarters of {@code presenceTtl}.
     * The defaults make the two equal (30 s): written once per TTL, a route expired for a moment
     * before each rewrite whenever that write came later than the previous one, and a frame from
     * another node in that moment waited in the inbox for the recipient's next pull.
     */
    public Duration refreshPeriod() {
        Duration withinTtl = presenceTtl.multipliedBy(3).dividedBy(4);
        return keepaliveInterval.compareTo(withinTtl) <= 0 ? keepaliveInterval : withinTtl;
    }
}
