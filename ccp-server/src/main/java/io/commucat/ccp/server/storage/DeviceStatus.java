package io.commucat.ccp.server.storage;

/** Lifecycle of a device; stored as the lower-case name. */
public enum DeviceStatus {
    ACTIVE,
    REVOKED;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static DeviceStatus fromLabel(String label) {
        return valueOf(label.toUpperCase(java.util.Locale.ROOT));
    }
}
