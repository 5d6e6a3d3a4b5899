package io.commucat.ccp.client;

import io.commucat.ccp.client.handshake.DeviceIdentity;
import java.util.Objects;

/**
 * A device's identity as kept between runs.
 *
 * @param device the device id, keys and (once issued) certificate
 * @param userId the user the device belongs to, or {@code null} before the server said
 */
public record StoredIdentity(DeviceIdentity device, String userId) {

    /** @throws NullPointerException without a device */
    public StoredIdentity {
        Objects.requireNonNull(device, "device");
    }

    /** @return the device's id ({@code dev-...} from registration, the server's from pairing) */
    public String deviceId() {
        return device.deviceId();
    }

    /** Never shows key material. */
    @Override
    public String toString() {
        return "StoredIdentity[" + device.deviceId() + ", user=" + userId + "]";
    }
}
