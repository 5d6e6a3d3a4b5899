package io.commucat.ccp.server.datadir;

import io.commucat.ccp.server.config.ConfigException;
import io.commucat.ccp.server.config.SecretBytes;
import io.commucat.ccp.server.config.ServerConfig;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;

/**
 * Prepares the data directory for a start: creates it (0700) and, on first start, the seeds
 * and the development TLS files; on later starts reuses and checks them. Runs under a file
 * lock so two processes starting on one directory cannot interleave their writes.
 */
public final class DataDirectoryBootstrap {

    private final Clock clock;
    private final SecureRandom random;

    public DataDirectoryBootstrap() {
        this(Clock.systemUTC(), new SecureRandom());
    }

    public DataDirectoryBootstrap(Clock clock, SecureRandom random) {
        this.clock = clock;
        this.random = random;
    }

    /**
     * Prepares {@code config.server().dataDir()}; uses {@code server.tls_cert}/{@code tls_key}
     * when configured, otherwise the development certificate.
     *
     * @throws ConfigException        a configured TLS file is unusable (names the key)
     * @throws DataDirectoryException a data-directory file cannot be made or is corrupt (names the file)
     */
    public DataDirectory prepare(ServerConfig config) throws ConfigException, DataDirectoryException {
        ServerConfig.Server server = config.server();
        Path root = server.dataDir().toAbsolutePath().normalize();
        createRoot(root);
        Path lockFile = root.resolve(DataDirectory.LOCK);
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.lock()) {
            FileLog log = new FileLog();
            SecretBytes noise = SeedFile.loadOrCreate(root.resolve(DataDirectory.NOISE_STATIC_SEED), random, log);
            SecretBytes deviceCa = SeedFile.loadOrCreate(root.resolve(DataDirectory.DEVICE_CA_SEED), random, log);
            // A configured token wins; otherwise one is made once and kept (rest.md "Authentication").
            Optional<SecretBytes> adminToken = config.admin().token().isPresent() ? Optional.empty()
                    : Optional.of(SeedFile.loadOrCreate(root.resolve(DataDirectory.ADMIN_TOKEN), random, log));
            TlsMaterial tls = server.hasConfiguredTls()
                    ? ConfiguredTls.check(server.tlsCert().orElseThrow(), server.tlsKey().orElseThrow())
                    : new DevTls(root, new DevPki(random), log).prepare(clock.instant());
            return new DataDirectory(root, tls, noise, deviceCa, log.created(), adminToken);
        } catch (IOException e) {
            throw new DataDirectoryException(lockFile, "cannot lock (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
    }

    private static void createRoot(Path root) throws DataDirectoryException {
        if (Files.exists(root) && !Files.isDirectory(root)) {
            throw new DataDirectoryException(root, "exists but is not a directory (server.data_dir / --data)");
        }
        try {
            PrivateFiles.createDirectory(root);
        } catch (IOException e) {
            throw new DataDirectoryException(root, "cannot create the data directory (" + e.getClass().getSimpleName()
                    + ": " + e.getMessage() + ")", e);
        }
        if (!Files.isWritable(root)) {
            throw new DataDirectoryException(root, "data directory is not writable");
        }
    }
}
