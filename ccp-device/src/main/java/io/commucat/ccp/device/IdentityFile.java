package io.commucat.ccp.device;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.commucat.ccp.client.handshake.DeviceIdentity;
import io.commucat.ccp.crypto.Hex;
import io.commucat.ccp.crypto.cert.CertificateException;
import io.commucat.ccp.crypto.cert.DeviceCertificate;
import io.commucat.ccp.crypto.keys.DeviceKeyPair;
import io.commucat.ccp.crypto.noise.NoiseKeyPair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A device's identity on disk: id, Ed25519 secret key, Noise private key, certificate and the
 * user it belongs to, as JSON readable only by its owner (0600). Written to a temporary file
 * and moved into place, so a crash never leaves half an identity.
 */
final class IdentityFile {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a stored identity holds. {@code userId} may be null before the first bootstrap. */
    record Stored(DeviceIdentity identity, String userId) {
    }

    private IdentityFile() {
    }

    static Stored load(Path file) throws DeviceCliException {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new DeviceCliException("cannot read the identity " + file + " (" + e.getClass().getSimpleName()
                    + "); create one with 'register' or 'pair'");
        }
        try {
            DeviceCertificate certificate = root.hasNonNull("certificate")
                    ? DeviceCertificate.fromJson(root.get("certificate")) : null;
            DeviceIdentity identity = new DeviceIdentity(root.path("device_id").asText(),
                    DeviceKeyPair.fromSecretKey(Hex.decode(root.path("device_secret_key").asText())),
                    NoiseKeyPair.fromPrivateKey(Hex.decode(root.path("noise_private_key").asText())), certificate);
            return new Stored(identity, root.hasNonNull("user_id") ? root.get("user_id").asText() : null);
        } catch (CertificateException | IllegalArgumentException | NullPointerException e) {
            throw new DeviceCliException("the identity " + file + " is damaged: " + e.getMessage());
        }
    }

    static void save(Path file, Stored stored) throws DeviceCliException {
        ObjectNode root = JSON.createObjectNode();
        DeviceIdentity identity = stored.identity();
        root.put("device_id", identity.deviceId());
        root.put("user_id", stored.userId());
        root.put("device_public_key", Hex.encode(identity.deviceKey().publicKey()));
        root.put("device_secret_key", Hex.encode(identity.deviceKey().secretKey()));
        root.put("noise_private_key", Hex.encode(identity.noiseKey().privateKey()));
        if (identity.certificate() != null) {
            root.set("certificate", identity.certificate().toJson());
        }
        try {
            Path directory = file.toAbsolutePath().getParent();
            Files.createDirectories(directory);
            Path temporary = Files.createTempFile(directory, ".identity-", ".tmp");
            try {
                try {
                    Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException notPosix) {
                    // Windows: the file inherits the directory's ACL.
                }
                Files.write(temporary, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            throw new DeviceCliException("cannot write the identity " + file + " (" + e.getClass().getSimpleName() + ")");
        }
    }
}
