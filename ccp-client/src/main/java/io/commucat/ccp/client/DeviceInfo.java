package io.commucat.ccp.client;

import java.time.Instant;

/**
 * One device of the user, as {@link CcpClient#devices} lists them.
 *
 * @param current  whether it is the device asking
 * @param online   whether it has a session on some node now
 * @param name     may be null
 * @param lastSeen when it last connected; may be null
 */
public record DeviceInfo(String deviceId, String status, boolean current, boolean online, String name,
        Instant createdAt, Instant lastSeen) {

    public boolean active() {
        return "active".equals(status);
    }
}
