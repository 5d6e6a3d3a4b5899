package io.commucat.ccp.client;

/**
 * A device the server now knows: after {@link CcpClient#register} or {@link CcpClient#pair}.
 *
 * @param deviceId the device's id (chosen by the device when registering, by the server when pairing)
 * @param userId   the user it belongs to
 */
public record Enrolment(String deviceId, String userId) {
}
