package io.commucat.ccp.server.storage;

import java.util.Objects;
import java.util.Optional;

/**
 * A device and the user it belongs to, read together ({@link Directory#findDeviceWithOwner}).
 *
 * @param owner empty only when the store lost the user of a device (a broken invariant the
 *     caller reports)
 */
public record DeviceOwner(Device device, Optional<User> owner) {
    public DeviceOwner {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(owner, "owner");
    }
}
