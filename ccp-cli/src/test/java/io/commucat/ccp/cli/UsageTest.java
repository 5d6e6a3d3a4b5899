package io.commucat.ccp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.cli.TestNode.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad command lines: status 2, a clear line on stderr, nothing on stdout; and the help. */
class UsageTest {

    @TempDir
    Path dir;

    @Test
    void helpListsEveryCommandOnStdout() {
        Run run = TestNode.bare("--help");

        assertEquals(0, run.status());
        for (String command : new String[] {"register", "pair-code", "claim", "devices", "revoke", "rotate-key",
            "send", "listen", "chat"}) {
            assertTrue(run.out().contains("  " + command + " "), command + " missing from\n" + run.out());
        }
        assertTrue(run.out().contains("--identity=DIR"), run.out());
    }

    @Test
    void noCommandPrintsTheUsageOnStderr() {
        Run run = TestNode.bare();

        assertEquals(ExitStatus.USAGE, run.status());
        assertEquals("", run.out());
        assertTrue(run.err().startsWith("Usage: ccp-cli"), run.err());
    }

    @Test
    void anUnknownCommandIsAUsageError() {
        Run run = TestNode.bare("frobnicate");

        assertEquals(ExitStatus.USAGE, run.status());
        assertEquals("", run.out());
        assertTrue(run.err().contains("'frobnicate'"), run.err());
    }

    @Test
    void registerWithoutHandleIsAUsageError() {
        Run run = TestNode.bare("--identity", dir.resolve("id").toString(), "register");

        assertEquals(ExitStatus.USAGE, run.status());
        assertEquals("", run.out());
        assertTrue(run.err().startsWith("Missing required option: '--handle=H'"), run.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "4294967296", "seven", ""})
    void aBadChannelIsAUsageError(String channel) {
        Run run = TestNode.bare("--identity", dir.resolve("id").toString(), "send", "--channel", channel, "hello");

        assertEquals(ExitStatus.USAGE, run.status());
        assertEquals("", run.out());
        assertTrue(run.err().startsWith("Invalid value for option '--channel': '" + channel
                + "' is not a channel id (1 to 4294967295)"), run.err());
    }

    @Test
    void aServerThatIsNotHttpsIsAUsageError() {
        Run run = TestNode.bare("--server", "http://localhost:8443", "devices");

        assertEquals(ExitStatus.USAGE, run.status());
        assertEquals("", run.out());
        assertTrue(run.err().contains("'http://localhost:8443' is not an https:// URL with a host"), run.err());
    }

    @Test
    void aMissingCaFileIsAUsageError() {
        Run run = TestNode.bare("--ca", dir.resolve("nope.pem").toString(), "--identity", dir.resolve("id").toString(),
                "register", "--handle", "h");

        assertEquals(ExitStatus.USAGE, run.status());
        assertEquals("", run.out());
        assertTrue(run.err().contains("--ca: " + dir.resolve("nope.pem") + " is not a file"), run.err());
    }

    @Test
    void anIdentityThatIsAFileIsAUsageError() throws Exception {
        Path file = Files.writeString(dir.resolve("phone.json"), "{}");

        Run run = TestNode.bare("--identity", file.toString(), "devices");

        assertEquals(ExitStatus.USAGE, run.status());
        assertEquals("", run.out());
        assertTrue(run.err().startsWith("--identity: " + file + " is a file; give the directory"), run.err());
    }

    @Test
    void anUnreachableServerIsOneLineAndStatus69() {
        Run run = TestNode.bare("--server", "https://127.0.0.1:1",
                "--identity", dir.resolve("id").toString(), "register", "--handle", "h");

        assertEquals(ExitStatus.UNAVAILABLE, run.status(), run.err());
        assertEquals("", run.out());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().startsWith("ccp-cli: register: UNREACHABLE: "), run.err());
    }
}
