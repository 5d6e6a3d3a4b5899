package io.commucat.ccp.client;

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
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Optional;

/**
 * An {@link IdentityStore} in one JSON file readable by its owner only (0600 where the file
 * system has POSIX permissions): written to a temporary file in the same directory, then moved
 * over the old one, so a crash never leaves half an identity. Thread-safe.
 */
public final class FileIdentityStore implements IdentityStore {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    /** @param file the JSON file, written with mode 0600 on the first save (its directory is made if missing) */
    public FileIdentityStore(Path file) {
        this.file = Objects.requireNonNull(file, "file");
    }

    /** @return the file the identity is kept in */
    public Path file() {
        return file;
    }

    @Override
    public synchronized Optional<StoredIdentity> load() throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try {
            DeviceCertificate certificate = root.hasNonNull("certificate")
                    ? DeviceCertificate.fromJson(root.get("certificate")) : null;
            DeviceIdentity device = new DeviceIdentity(text(root, "device_id"),
                    DeviceKeyPair.fromSecretKey(Hex.decode(text(root, "device_secret_key"))),
                    NoiseKeyPair.fromPrivateKey(Hex.decode(text(root, "noise_private_key"))), certificate);
            return Optional.of(new StoredIdentity(device, root.hasNonNull("user_id") ? root.get("user_id").asText() : null));
        } catch (CertificateException | IllegalArgumentException e) {
            throw new IOException(file + " does not hold a device identity: " + e.getMessage(), e);
        }
    }

    private String text(JsonNode root, String field) throws IOException {
        JsonNode value = root.get(field);
        if (value == null || !value.isTextual()) {
            throw new IOException(file + " does not hold a device identity: " + field + " is missing");
        }
        return value.asText();
    }

    @Override
    public synchronized void save(StoredIdentity identity) throws IOException {
        DeviceIdentity device = identity.device();
        ObjectNode root = JSON.createObjectNode();
        root.put("device_id", device.deviceId());
        root.put("user_id", identity.userId());
        root.put("device_public_key", Hex.encode(device.deviceKey().publicKey()));
        root.put("device_secret_key", Hex.encode(device.deviceKey().secretKey()));
        root.put("noise_private_key", Hex.encode(device.noiseKey().privateKey()));
        if (device.certificate() != null) {
            root.set("certificate", device.certificate().toJson());
        }
        Path directory = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(directory)) {
            try {
                // A directory made for keys is its owner's alone, as the file is.
                Files.createDirectories(directory,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createDirectories(directory);
            }
        }
        Path temporary = Files.createTempFile(directory, ".identity-", ".tmp");
        try {
            try {
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // Windows: the file inherits its directory's ACL.
            }
            Files.write(temporary, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    @Override
    public String toString() {
        return "FileIdentityStore[" + file + "]";
    }
}
