package io.commucat.ccp.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.server.config.ServerConfig;
import io.commucat.ccp.server.datadir.DataDirectory;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

    @TempDir
    Path tmp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(ServerStarter starter, Map<String, String> env, String... args) {
        return Main.run(args, new CliContext(env, new PrintWriter(out), new PrintWriter(err), starter));
    }

    private int run(String... args) {
        return run(new PrintSettingsStarter(new PrintWriter(out)), Map.of(), args);
    }

    private String data() {
        return tmp.resolve("data").toString();
    }

    @Test
    void unknownFlagExitsWithUsageStatusAndOneLine() {
        assertEquals(ExitCodes.USAGE, run("serve", "--bogus"));
        assertEquals("ccp: Unknown option: '--bogus' (see 'ccp serve --help')", err.toString().strip());
        assertEquals("", out.toString());
    }

    @Test
    void flagWithoutValueExitsWithUsageStatusAndOneLine() {
        assertEquals(ExitCodes.USAGE, run("serve", "--bind"));
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        assertTrue(err.toString().startsWith("ccp: "), err.toString());
    }

    @Test
    void noSubcommandShowsUsageAndFails() {
        assertEquals(ExitCodes.USAGE, run());
        assertTrue(err.toString().contains("serve"), err.toString());
    }

    @Test
    void helpSucceeds() {
        assertEquals(ExitCodes.OK, run("serve", "--help"));
        assertTrue(out.toString().contains("--config=FILE"), out.toString());
    }

    @Test
    void invalidConfigurationExitsWithConfigStatusAndOneLineNamingTheKey() {
        assertEquals(ExitCodes.CONFIG, run("serve", "--data", data(), "--bind", "nowhere"));
        String message = err.toString().strip();
        assertEquals(1, message.lines().count(), message);
        assertTrue(message.startsWith("ccp: configuration error: server.bind: "), message);
    }

    @Test
    void missingConfigFileExitsWithConfigStatus() {
        assertEquals(ExitCodes.CONFIG, run("serve", "--config", tmp.resolve("none.toml").toString()));
        assertTrue(err.toString().contains("none.toml: no such file"), err.toString());
    }

    @Test
    void corruptDataDirectoryExitsWithConfigStatusNamingTheFile() throws Exception {
        run("serve", "--data", data());
        Files.writeString(tmp.resolve("data").resolve(DataDirectory.NOISE_STATIC_SEED), "x");
        err.getBuffer().setLength(0);
        assertEquals(ExitCodes.CONFIG, run("serve", "--data", data()));
        assertTrue(err.toString().startsWith("ccp: data directory error: " + tmp.resolve("data").resolve("noise-static.key")),
                err.toString());
    }

    @Test
    void serveWithDefaultsPrintsSettingsAndHowToReachTheServer() {
        assertEquals(ExitCodes.OK, run("serve", "--data", data()));
        String text = out.toString();
        assertTrue(text.contains("server.bind = 127.0.0.1:8443"), text);
        assertTrue(text.contains("reach it with: curl --cacert " + tmp.resolve("data").resolve("dev-ca.pem")
                + " https://localhost:8443/healthz"), text);
        assertEquals("", err.toString());
    }

    @Test
    void firstStartPrintsTheGeneratedAdminTokenOnceAndKeepsItOwnerOnly() throws Exception {
        assertEquals(ExitCodes.OK, run("serve", "--data", data()));
        Path file = tmp.resolve("data").resolve(DataDirectory.ADMIN_TOKEN);
        String token = Files.readString(file).strip();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(out.toString().contains("admin token (shown this once; kept in " + file + "): " + token), out.toString());

        out.getBuffer().setLength(0);
        assertEquals(ExitCodes.OK, run("serve", "--data", data()));
        assertFalse(out.toString().contains(token), "printed only on the start that made it: " + out);
        assertFalse(out.toString().contains("admin token ("), out.toString());
        assertEquals(token, Files.readString(file).strip(), "never regenerated while present");
    }

    @Test
    void aConfiguredAdminTokenIsNeitherGeneratedNorPrinted() {
        assertEquals(ExitCodes.OK, run(new PrintSettingsStarter(new PrintWriter(out)),
                Map.of("CCP_ADMIN_TOKEN", "configured-admin-token-0123"), "serve", "--data", data()));
        assertFalse(Files.exists(tmp.resolve("data").resolve(DataDirectory.ADMIN_TOKEN)));
        assertFalse(out.toString().contains("admin token ("), out.toString());
        assertTrue(out.toString().contains("admin.token = (set)"), out.toString());
    }

    @Test
    void printedSettingsNeverShowSecrets() {
        Map<String, String> env = Map.of("CCP_ADMIN_TOKEN", "very-secret-admin-token",
                "CCP_CRYPTO_SECRETS_KEY", "ab".repeat(32),
                "CCP_STORAGE_POSTGRES_DSN", "postgres://ccp:dbpassword@db/ccp");
        assertEquals(ExitCodes.OK, run(new PrintSettingsStarter(new PrintWriter(out)), env, "serve", "--data", data()));
        String text = out.toString();
        assertTrue(!text.contains("very-secret") && !text.contains("abab") && !text.contains("dbpassword"), text);
    }

    @Test
    void starterReceivesFlagsOverEnvironmentAndThePreparedDirectory() {
        AtomicReference<ServerConfig> seen = new AtomicReference<>();
        AtomicReference<DataDirectory> dir = new AtomicReference<>();
        ServerStarter starter = (config, directory) -> {
            seen.set(config);
            dir.set(directory);
            return new PrintSettingsStarter(new PrintWriter(new StringWriter())).start(config, directory);
        };
        int status = run(starter, Map.of("CCP_SERVER_BIND", "127.0.0.1:1"), "serve", "--bind", "127.0.0.1:0", "--data", data());
        assertEquals(ExitCodes.OK, status, err.toString());
        assertEquals(0, seen.get().server().bind().port());
        assertEquals(tmp.resolve("data"), dir.get().root());
    }

    @Test
    void starterFailureExitsWithFailureStatusAndOneLine() {
        ServerStarter failing = (config, directory) -> {
            throw new java.net.BindException("Address already in use");
        };
        assertEquals(ExitCodes.FAILURE, run(failing, Map.of(), "serve", "--data", data()));
        assertEquals("ccp: failed: BindException: Address already in use", err.toString().strip());
    }

    @Test
    void unknownKeyWarningGoesToStandardError() {
        assertEquals(ExitCodes.OK, run(new PrintSettingsStarter(new PrintWriter(out)), Map.of("CCP_SERVER_BINDD", "x"),
                "serve", "--data", data()));
        assertEquals("ccp: warning: CCP_SERVER_BINDD: no such configuration key; variable ignored", err.toString().strip());
    }
}
