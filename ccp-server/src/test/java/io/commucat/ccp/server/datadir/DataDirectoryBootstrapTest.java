package io.commucat.ccp.server.datadir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.server.config.ConfigException;
import io.commucat.ccp.server.config.ConfigLoader;
import io.commucat.ccp.server.config.FlagOverride;
import io.commucat.ccp.server.config.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryBootstrapTest {

    private static final List<String> PRIVATE = List.of(
            DataDirectory.DEV_CA_KEY, DataDirectory.TLS_KEY, DataDirectory.NOISE_STATIC_SEED, DataDirectory.DEVICE_CA_SEED,
            DataDirectory.ADMIN_TOKEN);
    private static final List<String> PUBLIC = List.of(DataDirectory.DEV_CA_CERT, DataDirectory.TLS_CERT);

    @TempDir
    Path tmp;

    private Path data() {
        return tmp.resolve("data");
    }

    private ServerConfig config(Map<String, String> env) throws ConfigException {
        return new ConfigLoader(env, w -> { }).load(Optional.empty(),
                List.of(new FlagOverride("server.data_dir", "--data", data().toString())));
    }

    private DataDirectory prepare() throws Exception {
        return new DataDirectoryBootstrap().prepare(config(Map.of()));
    }

    private Map<String, byte[]> snapshot() throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String name : Stream.concat(PRIVATE.stream(), PUBLIC.stream()).toList()) {
            files.put(name, Files.readAllBytes(data().resolve(name)));
        }
        return files;
    }

    @Test
    void firstStartCreatesEveryFile() throws Exception {
        DataDirectory d = prepare();
        assertEquals(data(), d.root());
        assertEquals(7, d.created().size());
        assertTrue(d.firstStart());
        for (String name : Stream.concat(PRIVATE.stream(), PUBLIC.stream()).toList()) {
            assertTrue(Files.isRegularFile(data().resolve(name)), name);
        }
        assertEquals(data().resolve(DataDirectory.TLS_CERT), d.tls().certificateChain());
        assertEquals(Optional.of(data().resolve(DataDirectory.DEV_CA_CERT)), d.tls().developmentCa());
    }

    @Test
    void privateFilesAre0600AndTheDirectory0700() throws Exception {
        prepare();
        for (String name : PRIVATE) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data().resolve(name))), name);
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data())));
    }

    @Test
    void noTemporaryFilesAreLeftBehind() throws Exception {
        prepare();
        try (Stream<Path> files = Files.list(data())) {
            assertEquals(List.of(), files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList());
        }
    }

    @Test
    void seedsAre32BytesAsHexAndDistinct() throws Exception {
        DataDirectory d = prepare();
        assertEquals(32, d.noiseStaticSeed().length());
        assertNotEquals(d.noiseStaticSeed(), d.deviceCaSeed());
        assertTrue(Files.readString(data().resolve(DataDirectory.NOISE_STATIC_SEED)).matches("[0-9a-f]{64}\n"));
    }

    @Test
    void withoutAConfiguredAdminTokenOneIsGeneratedAs32RandomBytesInHex() throws Exception {
        DataDirectory d = prepare();
        String stored = Files.readString(data().resolve(DataDirectory.ADMIN_TOKEN));
        assertTrue(stored.matches("[0-9a-f]{64}\n"), stored);
        assertEquals(Optional.of(stored.strip()), d.adminTokenText());
        assertTrue(d.adminTokenCreated());
    }

    @Test
    void theGeneratedAdminTokenIsKeptAcrossStartsAndNotReportedAsNew() throws Exception {
        DataDirectory first = prepare();
        DataDirectory second = prepare();
        assertEquals(first.adminTokenText(), second.adminTokenText());
        assertFalse(second.adminTokenCreated());
    }

    @Test
    void aConfiguredAdminTokenOverridesTheFileWhichIsThenNotMade() throws Exception {
        DataDirectory d = new DataDirectoryBootstrap().prepare(config(Map.of("CCP_ADMIN_TOKEN", "configured-admin-token-0123")));
        assertEquals(Optional.empty(), d.adminToken());
        assertFalse(Files.exists(data().resolve(DataDirectory.ADMIN_TOKEN)));
        assertFalse(d.adminTokenCreated());
    }

    @Test
    void secondStartReusesTheExactBytes() throws Exception {
        DataDirectory first = prepare();
        Map<String, byte[]> before = snapshot();
        DataDirectory second = prepare();
        Map<String, byte[]> after = snapshot();
        for (String name : before.keySet()) {
            assertArrayEquals(before.get(name), after.get(name), name);
        }
        assertEquals(first.noiseStaticSeed(), second.noiseStaticSeed());
        assertEquals(first.deviceCaSeed(), second.deviceCaSeed());
        assertFalse(second.firstStart());
    }

    @Test
    void missingServerCertificateIsReissuedByTheSameCa() throws Exception {
        prepare();
        byte[] ca = Files.readAllBytes(data().resolve(DataDirectory.DEV_CA_CERT));
        Files.delete(data().resolve(DataDirectory.TLS_CERT));
        Files.delete(data().resolve(DataDirectory.TLS_KEY));
        DataDirectory d = prepare();
        assertEquals(List.of(data().resolve(DataDirectory.TLS_KEY), data().resolve(DataDirectory.TLS_CERT)), d.created());
        assertArrayEquals(ca, Files.readAllBytes(data().resolve(DataDirectory.DEV_CA_CERT)));
        DevCertificateChecks.assertChainsToCa(data());
    }

    @Test
    void corruptSeedIsAnErrorNamingTheFile() throws Exception {
        prepare();
        Path seed = data().resolve(DataDirectory.DEVICE_CA_SEED);
        Files.writeString(seed, "not hex\n");
        DataDirectoryException e = assertThrows(DataDirectoryException.class, this::prepare);
        assertEquals(seed, e.file());
        assertTrue(e.getMessage().startsWith(seed + ": corrupt: "), e.getMessage());
    }

    @Test
    void corruptTlsKeyIsAnErrorNamingTheFile() throws Exception {
        prepare();
        Path key = data().resolve(DataDirectory.TLS_KEY);
        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        DataDirectoryException e = assertThrows(DataDirectoryException.class, this::prepare);
        assertEquals(key, e.file());
    }

    @Test
    void truncatedCaCertificateIsAnErrorNamingTheFile() throws Exception {
        prepare();
        Path ca = data().resolve(DataDirectory.DEV_CA_CERT);
        byte[] bytes = Files.readAllBytes(ca);
        Files.write(ca, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        DataDirectoryException e = assertThrows(DataDirectoryException.class, this::prepare);
        assertEquals(ca, e.file());
    }

    @Test
    void serverKeyWithoutCertificateIsAnErrorNamingTheMissingFile() throws Exception {
        prepare();
        Files.delete(data().resolve(DataDirectory.TLS_CERT));
        DataDirectoryException e = assertThrows(DataDirectoryException.class, this::prepare);
        assertEquals(data().resolve(DataDirectory.TLS_CERT), e.file());
    }

    @Test
    void keyOfAnotherCertificateIsRejected() throws Exception {
        prepare();
        Files.copy(data().resolve(DataDirectory.DEV_CA_KEY), data().resolve(DataDirectory.TLS_KEY),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        DataDirectoryException e = assertThrows(DataDirectoryException.class, this::prepare);
        assertTrue(e.getMessage().contains("does not belong to"), e.getMessage());
    }

    @Test
    void expiredServerCertificateIsAnErrorSayingWhatToDelete() throws Exception {
        prepare();
        Clock later = Clock.fixed(Instant.now().plus(Duration.ofDays(400)), ZoneOffset.UTC);
        DataDirectoryException e = assertThrows(DataDirectoryException.class,
                () -> new DataDirectoryBootstrap(later, new SecureRandom()).prepare(config(Map.of())));
        assertEquals(data().resolve(DataDirectory.TLS_CERT), e.file());
        assertTrue(e.getMessage().contains("expired"), e.getMessage());
    }

    @Test
    void dataPathThatIsAFileIsAnError() throws Exception {
        Files.writeString(data(), "x");
        assertThrows(DataDirectoryException.class, this::prepare);
    }

    @Test
    void configuredTlsFilesAreUsedInsteadOfTheDevelopmentOnes() throws Exception {
        Path other = tmp.resolve("other");
        new DataDirectoryBootstrap().prepare(new ConfigLoader(Map.of(), w -> { }).load(Optional.empty(),
                List.of(new FlagOverride("server.data_dir", "--data", other.toString()))));
        Map<String, String> env = Map.of(
                "CCP_SERVER_TLS_CERT", other.resolve(DataDirectory.TLS_CERT).toString(),
                "CCP_SERVER_TLS_KEY", other.resolve(DataDirectory.TLS_KEY).toString());
        DataDirectory d = new DataDirectoryBootstrap().prepare(config(env));
        assertFalse(d.tls().development());
        assertEquals(other.resolve(DataDirectory.TLS_CERT), d.tls().certificateChain());
        assertFalse(Files.exists(data().resolve(DataDirectory.DEV_CA_CERT)));
        assertTrue(Files.exists(data().resolve(DataDirectory.NOISE_STATIC_SEED)));
    }

    @Test
    void configuredKeyNotMatchingTheCertificateNamesTheKey() throws Exception {
        prepare();
        Map<String, String> env = Map.of(
                "CCP_SERVER_TLS_CERT", data().resolve(DataDirectory.TLS_CERT).toString(),
                "CCP_SERVER_TLS_KEY", data().resolve(DataDirectory.DEV_CA_KEY).toString());
        ConfigException e = assertThrows(ConfigException.class, () -> new DataDirectoryBootstrap().prepare(config(env)));
        assertEquals(Optional.of("server.tls_key"), e.key());
    }

    @Test
    void configuredCertificateThatIsNotPemNamesTheKey() throws Exception {
        Path bad = Files.writeString(tmp.resolve("bad.pem"), "hello");
        Path key = Files.writeString(tmp.resolve("key.pem"), "hello");
        Map<String, String> env = Map.of("CCP_SERVER_TLS_CERT", bad.toString(), "CCP_SERVER_TLS_KEY", key.toString());
        ConfigException e = assertThrows(ConfigException.class, () -> new DataDirectoryBootstrap().prepare(config(env)));
        assertEquals(Optional.of("server.tls_cert"), e.key());
    }

    @Test
    void embeddedDatabaseLivesUnderDb() throws Exception {
        assertEquals(data().resolve("db").resolve("ccp"), prepare().embeddedDatabase());
    }
}
