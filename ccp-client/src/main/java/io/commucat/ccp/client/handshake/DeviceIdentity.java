package io.commucat.ccp.client.handshake;

import io.commucat.ccp.crypto.cert.DeviceCertificate;
import io.commucat.ccp.crypto.keys.DeviceKeyPair;
import io.commucat.ccp.crypto.noise.NoiseKeyPair;
import java.util.Objects;

/**
 * Who a device is: its id, its Ed25519 device key, its Noise static key and, once it has one,
 * the certificate the server issued.
 *
 * @param certificate null before the first handshake
 */
public record DeviceIdentity(String deviceId, DeviceKeyPair deviceKey, NoiseKeyPair noiseKey,
        DeviceCertificate certificate) {

    public DeviceIdentity {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(deviceKey, "deviceKey");
        Objects.requireNonNull(noiseKey, "noiseKey");
    }

    public DeviceIdentity withCertificate(DeviceCertificate newCertificate) {
        return new DeviceIdentity(deviceId, deviceKey, noiseKey, newCertificate);
    }

    /** Never shows key material. */
    @Override
    public String toString() {
        return "DeviceIdentity[" + deviceId + "]";
    }
}
