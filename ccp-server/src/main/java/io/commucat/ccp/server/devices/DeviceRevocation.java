package io.commucat.ccp.server.devices;

import io.commucat.ccp.server.audit.Audit;
import io.commucat.ccp.server.cluster.SessionRevoker;
import io.commucat.ccp.server.storage.Device;
import io.commucat.ccp.server.storage.Directory;
import io.commucat.ccp.server.storage.StorageException;
import java.util.Objects;

/**
 * Revokes a device (rest.md "Devices and revocation"): marks it revoked, writes the ledger's
 * {@code device revoke}, and ends its sessions on every node. Revoking a device that is revoked
 * already changes nothing and writes nothing, but ends its sessions again: a retry after a
 * failed broadcast reaches the nodes the first one missed. Blocking: storage executor.
 * Thread-safe.
 */
final class DeviceRevocation {

    /** {@code by} of a revocation with the admin token. */
    static final String BY_ADMIN = "admin";

    private final Directory directory;
    private final SessionRevoker sessions;
    private final Audit audit;

    DeviceRevocation(Directory directory, SessionRevoker sessions, Audit audit) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.audit = Objects.requireNonNull(audit, "audit");
    }

    /**
     * @param by the revoking device's id, or {@link #BY_ADMIN}
     * @throws StorageException also when the device is revoked but the bus or presence could not
     *     be told (this node's session of it has ended; a retry tells the others)
     */
    void revoke(Device target, String by, String remoteAddress) throws StorageException {
        if (directory.revokeDevice(target.id())) {
            audit.deviceRevoked(target.id(), target.userId(), by, remoteAddress);
        }
        sessions.endSessions(target.id());
    }
}
