package io.commucat.ccp.server.storage;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Users, devices, device key events and issued certificates (architecture.md, "Storage
 * ports"). Blocking: callers run it off the event loops. Thread-safe.
 */
public interface Directory {

    Optional<User> findUser(String userId) throws StorageException;

    Optional<User> findUserByHandle(String handle) throws StorageException;

    /**
     * Creates a user.
     *
     * @throws StorageException {@link StorageException.Kind#CONFLICT} when the id or the handle
     *     is taken
     */
    User createUser(User user) throws StorageException;

    /** Sets the profile hints; {@code null} leaves a field as it is. */
    void updateProfile(String userId, String displayName, String avatarUrl) throws StorageException;

    Optional<Device> findDevice(String deviceId) throws StorageException;

    /**
     * The device and its user in one read: what a known device's handshake looks up first
     * ({@link #findDevice} then {@link #findUser} in one round trip).
     */
    Optional<DeviceOwner> findDeviceWithOwner(String deviceId) throws StorageException;

    int countActiveDevices(String userId) throws StorageException;

    /**
     * Registers a new device and its {@code register} key event in one transaction.
     *
     * @param maxActiveDevices refuse when the user already has this many active devices (0 = no
     *     limit); checked atomically with the insert, so racing registrations cannot pass it
     * @throws StorageException {@link StorageException.Kind#CONFLICT} when the device id exists,
     *     {@link StorageException.Kind#LIMIT_REACHED} when the limit is reached
     */
    void registerDevice(Device device, DeviceKeyEvent event, int maxActiveDevices) throws StorageException;

    /** Records when a device was last connected. */
    void touchDevice(String deviceId, Instant lastSeen) throws StorageException;

    /**
     * {@link #touchDevice} for many devices at once (the ends of a node's sessions, recorded in
     * batches), in as few statements as the store can. Unlike {@link #touchDevice} it never moves
     * a device's {@code last_seen} back: a batch may reach the store after a newer session of the
     * device has set a later one. Unknown devices are skipped. This default touches one at a time.
     */
    default void touchDevices(Map<String, Instant> lastSeen) throws StorageException {
        for (Map.Entry<String, Instant> device : lastSeen.entrySet()) {
            Optional<Device> stored = findDevice(device.getKey());
            if (stored.isPresent() && (stored.get().lastSeen() == null
                    || stored.get().lastSeen().isBefore(device.getValue()))) {
                touchDevice(device.getKey(), device.getValue());
            }
        }
    }

    /** Every device of the user, revoked ones included, oldest first. */
    List<Device> listDevices(String userId) throws StorageException;

    /**
     * Marks an active device revoked.
     *
     * @return false when the device does not exist or was not active
     */
    boolean revokeDevice(String deviceId) throws StorageException;

    /**
     * Replaces an active device's key with {@code event.publicKey()} and records {@code event}
     * (kind {@code rotate}) in one transaction, only while the stored key is still
     * {@code expectedKey}.
     *
     * @throws StorageException {@link StorageException.Kind#CONFLICT} when the device is gone, not
     *     active, or its key is no longer {@code expectedKey} (a racing rotation won)
     */
    void rotateDeviceKey(String deviceId, String expectedKey, DeviceKeyEvent event) throws StorageException;

    /**
     * When each of the user's devices last rotated its key (devices never rotated are absent):
     * one query for what {@link #lastKeyEvent} would need one per device.
     */
    Map<String, Instant> lastRotations(String userId) throws StorageException;

    /** The device's newest key event (its registration or last rotation). */
    Optional<DeviceKeyEvent> lastKeyEvent(String deviceId) throws StorageException;

    /** A fresh, never reused certificate serial. */
    long nextCertificateSerial() throws StorageException;

    void recordCertificate(IssuedCertificate certificate) throws StorageException;
}
