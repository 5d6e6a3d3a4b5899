package io.commucat.ccp.server.datadir;

import io.commucat.ccp.server.config.SecretBytes;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A prepared data directory: where the node keeps its embedded database, its seeds and its
 * development certificates. Built by {@link DataDirectoryBootstrap}; the layout is fixed here.
 *
 * @param root            the directory, absolute
 * @param tls             the certificate and key the listener uses
 * @param noiseStaticSeed 32 random bytes, the seed of the first Noise static key
 * @param deviceCaSeed    32 random bytes, the seed of the device CA's Ed25519 key
 * @param created         files this start created (empty when everything was reused)
 * @param adminToken      32 random bytes whose hex is the admin token, from {@link #ADMIN_TOKEN};
 *                        empty when {@code admin.token} is configured (then no file is made)
 */
public record DataDirectory(
        Path root,
        TlsMaterial tls,
        SecretBytes noiseStaticSeed,
        SecretBytes deviceCaSeed,
        List<Path> created,
        Optional<SecretBytes> adminToken) {

    /** Development CA certificate (public, 0644). */
    public static final String DEV_CA_CERT = "dev-ca.pem";
    /** Development CA private key, kept so the server certificate can be reissued under the same CA (0600). */
    public static final String DEV_CA_KEY = "dev-ca-key.pem";
    /** Development TLS server certificate (public, 0644). */
    public static final String TLS_CERT = "tls-cert.pem";
    /** Development TLS server key, PKCS#8 (0600). */
    public static final String TLS_KEY = "tls-key.pem";
    /** Noise static key seed, 64 hex digits (0600). */
    public static final String NOISE_STATIC_SEED = "noise-static.key";
    /** Device CA key seed, 64 hex digits (0600). */
    public static final String DEVICE_CA_SEED = "device-ca.seed";
    /** Generated admin token (rest.md), 64 hex digits (0600); only without a configured {@code admin.token}. */
    public static final String ADMIN_TOKEN = "admin.token";
    /** Held while the directory is being prepared, so two starts never race. */
    public static final String LOCK = ".lock";
    /** Directory of the embedded SQL database. */
    public static final String DATABASE_DIR = "db";

    public DataDirectory {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(noiseStaticSeed, "noiseStaticSeed");
        Objects.requireNonNull(deviceCaSeed, "deviceCaSeed");
        created = List.copyOf(created);
        Objects.requireNonNull(adminToken, "adminToken");
    }

    /** Without a generated admin token (a configured one, or tests that need none). */
    public DataDirectory(Path root, TlsMaterial tls, SecretBytes noiseStaticSeed, SecretBytes deviceCaSeed,
            List<Path> created) {
        this(root, tls, noiseStaticSeed, deviceCaSeed, created, Optional.empty());
    }

    /** The generated admin token as presented in {@code Authorization: Bearer}, lower-case hex. */
    public Optional<String> adminTokenText() {
        return adminToken.map(t -> HexFormat.of().formatHex(t.bytes()));
    }

    /** {@code true} when this start generated the admin token: the one start that prints it. */
    public boolean adminTokenCreated() {
        return created.contains(root.resolve(ADMIN_TOKEN));
    }

    /**
     * The embedded database's base path, {@code <data>/db/ccp}: H2 adds {@code .mv.db}
     * ({@code jdbc:h2:file:<this>}). Used when {@code storage.postgres_dsn} is not set.
     */
    public Path embeddedDatabase() {
        return root.resolve(DATABASE_DIR).resolve("ccp");
    }

    /** {@code true} when this start created at least one file (a first start). */
    public boolean firstStart() {
        return !created.isEmpty();
    }
}
