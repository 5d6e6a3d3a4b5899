package io.commucat.ccp.crypto.proof;

import io.commucat.ccp.crypto.Hex;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * What a handshake proof binds (spec §3.5): the server's domain, the device id, the device's
 * Ed25519 public key {@code A} and its Noise static key. {@link #encode()} gives
 * {@code ctx = D || u32le(len(domain)) || domain || u32le(len(device_id)) || device_id || device_public || client_static}.
 *
 * @param domain the server's configured domain
 * @param deviceId the device id from Hello
 * @param devicePublic the device's Ed25519 public key, 32 bytes
 * @param clientStatic the device's Noise static X25519 public key, 32 bytes
 */
public record ProofContext(String domain, String deviceId, byte[] devicePublic, byte[] clientStatic) {

    /** The domain separator {@code D}. */
    public static final String DOMAIN_SEPARATOR = "commucat:zkp:handshake:v1";

    static final byte[] DOMAIN_SEPARATOR_BYTES = DOMAIN_SEPARATOR.getBytes(StandardCharsets.US_ASCII);

    /** Length of {@code device_public} and {@code client_static}. */
    public static final int KEY_LENGTH = 32;

    /**
     * @throws IllegalArgumentException when a key is not 32 bytes
     * @throws NullPointerException when an argument is null
     */
    public ProofContext {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(deviceId, "deviceId");
        devicePublic = requireKey(devicePublic, "devicePublic");
        clientStatic = requireKey(clientStatic, "clientStatic");
    }

    private static byte[] requireKey(byte[] key, String name) {
        Objects.requireNonNull(key, name);
        if (key.length != KEY_LENGTH) {
            throw new IllegalArgumentException(name + " must be " + KEY_LENGTH + " bytes");
        }
        return key.clone();
    }

    @Override
    public byte[] devicePublic() {
        return devicePublic.clone();
    }

    @Override
    public byte[] clientStatic() {
        return clientStatic.clone();
    }

    /** The context bytes {@code ctx} (strings as UTF-8). */
    public byte[] encode() {
        byte[] domainBytes = domain.getBytes(StandardCharsets.UTF_8);
        byte[] deviceIdBytes = deviceId.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(
                DOMAIN_SEPARATOR_BYTES.length + 8 + domainBytes.length + deviceIdBytes.length + 2 * KEY_LENGTH);
        out.writeBytes(DOMAIN_SEPARATOR_BYTES);
        writeU32le(out, domainBytes.length);
        out.writeBytes(domainBytes);
        writeU32le(out, deviceIdBytes.length);
        out.writeBytes(deviceIdBytes);
        out.writeBytes(devicePublic);
        out.writeBytes(clientStatic);
        return out.toByteArray();
    }

    private static void writeU32le(ByteArrayOutputStream out, int value) {
        // Java arrays never exceed 2^31 - 1 bytes, so a length always fits in u32.
        out.write(value);
        out.write(value >>> 8);
        out.write(value >>> 16);
        out.write(value >>> 24);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ProofContext that
                && domain.equals(that.domain)
                && deviceId.equals(that.deviceId)
                && Arrays.equals(devicePublic, that.devicePublic)
                && Arrays.equals(clientStatic, that.clientStatic);
    }

    @Override
    public int hashCode() {
        return Objects.hash(domain, deviceId, Arrays.hashCode(devicePublic), Arrays.hashCode(clientStatic));
    }

    @Override
    public String toString() {
        return "ProofContext[domain=" + domain + ", deviceId=" + deviceId
                + ", devicePublic=" + Hex.encode(devicePublic) + ", clientStatic=" + Hex.encode(clientStatic) + "]";
    }
}
