package io.commucat.ccp.server.storage;

import java.time.Instant;

/**
 * A change of a device's key: its registration or a rotation.
 *
 * @param kind {@code register} or {@code rotate}
 * @param publicKey lower-case hex
 */
public record DeviceKeyEvent(String id, String deviceId, String kind, String publicKey, Instant at) {
}
