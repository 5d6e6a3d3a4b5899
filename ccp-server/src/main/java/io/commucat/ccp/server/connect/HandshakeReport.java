package io.commucat.ccp.server.connect;

/**
 * What is known of a bootstrap or session when it ends (ccp-1.md §4.5): never a secret or a token.
 *
 * @param stage {@code hello}, {@code await_client} or {@code established}
 * @param deviceId null when the Hello was not read
 * @param userId null when the user was not resolved
 * @param deviceKnown whether the device was registered before this Hello
 * @param noiseKeyVersion 0 when no server key matched
 * @param protocolVersion 0 when not negotiated
 * @param pattern {@code XK}, {@code IK} or null
 * @param sessionId {@link io.commucat.ccp.server.handshake.SessionTokens#sessionId}, null before
 *     a token was made
 */
public record HandshakeReport(String remoteAddress, String stage, String deviceId, String userId,
        boolean deviceKnown, int noiseKeyVersion, int protocolVersion, String pattern, String sessionId) {
}
