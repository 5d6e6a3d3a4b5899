package io.commucat.ccp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.commucat.ccp.cli.TestNode.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code register}, {@code pair-code}, {@code claim}, {@code devices}, {@code revoke}, {@code rotate-key} against a real node. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class EnrolmentCommandsTest {

    @TempDir
    static Path dir;

    private TestNode node;

    @BeforeAll
    void startNode() throws Exception {
        node = TestNode.start(dir);
    }

    @AfterAll
    void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void registerPrintsOnlyTheNewDeviceId() {
        Run run = node.cli("phone", "register", "--handle", "alice-" + System.nanoTime());

        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().matches("dev-[0-9a-f]+\n"), run.out());
    }

    @Test
    void registerKeepsTheIdentityInADirectoryOnlyItsOwnerReads() throws Exception {
        node.register("private");

        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("private"))));
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("private").resolve(CliMain.IDENTITY_FILE))));
    }

    @Test
    void pairCodePrintsOnlyTheCode() {
        node.register("issuer");

        Run run = node.cli("issuer", "pair-code");

        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().matches("[A-Z0-9]{4}-[A-Z0-9]{4}\n"), run.out());
        assertTrue(run.err().contains("valid until"), run.err());
    }

    @Test
    void claimMakesANewDeviceOfTheCodesUserAndPrintsItsId() {
        String first = node.register("home");
        Run code = node.cli("home", "pair-code");

        Run claimed = node.cli("laptop", "claim", code.out().strip(), "--name", "laptop");

        assertEquals(0, claimed.status(), claimed.err());
        String second = claimed.out().strip();
        assertTrue(second.matches("[A-Za-z0-9_-]+"), claimed.out());
        assertNotEquals(first, second);
    }

    @Test
    void devicesListsTheUsersDevicesWithTheCurrentOneMarked() {
        String first = node.register("desk");
        String second = node.claim("desk", "tablet");

        Run run = node.cli("tablet", "devices");

        assertEquals(0, run.status(), run.err());
        List<String> lines = run.out().lines().toList();
        assertEquals(3, lines.size(), run.out());
        assertTrue(lines.get(0).startsWith("DEVICE"), run.out());
        String tablet = lines.stream().filter(line -> line.startsWith(second)).findFirst().orElseThrow();
        assertTrue(tablet.contains("*") && tablet.endsWith("tablet"), tablet);
        String desk = lines.stream().filter(line -> line.startsWith(first)).findFirst().orElseThrow();
        assertFalse(desk.contains("*"), desk);
    }

    @Test
    void devicesJsonIsOneArrayForScripts() throws Exception {
        String first = node.register("json");

        Run run = node.cli("json", "devices", "--json");

        assertEquals(0, run.status(), run.err());
        JsonNode devices = new ObjectMapper().readTree(run.out());
        assertEquals(1, devices.size(), run.out());
        assertEquals(first, devices.get(0).path("device_id").asText());
        assertTrue(devices.get(0).path("current").asBoolean());
        assertEquals("active", devices.get(0).path("status").asText());
    }

    @Test
    void aWrongCodeFailsWithTheServersReasonOnOneLineAndWritesNoIdentity() {
        Run run = node.cli("nothing", "claim", "ABCD-2345");

        assertEquals(1, run.status());
        assertEquals("", run.out());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().startsWith("ccp-cli: claim: REFUSED 404"), run.err());
        assertFalse(Files.exists(dir.resolve("nothing")));
    }

    @Test
    void anExistingIdentityIsNeverOverwritten() throws Exception {
        node.register("taken");
        Path file = dir.resolve("taken").resolve(CliMain.IDENTITY_FILE);
        String before = Files.readString(file);

        Run run = node.cli("taken", "register", "--handle", "carol-" + System.nanoTime());

        assertEquals(1, run.status());
        assertTrue(run.err().contains("holds a device already"), run.err());
        assertEquals(before, Files.readString(file));
    }

    @Test
    void aMissingIdentityIsExplained() {
        Run run = node.cli("missing", "devices");

        assertEquals(1, run.status());
        assertEquals("", run.out());
        assertTrue(run.err().contains("run register or claim first"), run.err());
        assertFalse(Files.exists(dir.resolve("missing")));
    }

    @Test
    void aRevokedIdentityCannotSendAnyMore() {
        String keeper = node.register("keeper");
        String lost = node.claim("keeper", "lost");
        String channel = TestNode.freshChannel();
        assertEquals(0, node.cli("lost", "send", "--channel", channel, "--members", keeper, "before").status());

        Run revoked = node.cli("keeper", "revoke", lost);
        assertEquals(0, revoked.status(), revoked.err());

        Run run = node.cli("lost", "send", "--channel", channel, "--members", keeper, "after");
        assertNotEquals(0, run.status());
        assertEquals("", run.out());
        assertTrue(run.err().startsWith("ccp-cli: send: "), run.err());
    }

    @Test
    void rotateKeyReplacesTheStoredKeyAndSendStillWorks() throws Exception {
        node.register("rotating");
        String peer = node.claim("rotating", "rotating-peer");
        Path file = dir.resolve("rotating").resolve(CliMain.IDENTITY_FILE);
        JsonNode before = new ObjectMapper().readTree(file.toFile());

        Run rotated = node.cli("rotating", "rotate-key");

        assertEquals(0, rotated.status(), rotated.err());
        assertEquals("", rotated.out());
        JsonNode after = new ObjectMapper().readTree(file.toFile());
        assertNotEquals(before.path("device_public_key"), after.path("device_public_key"));
        Run sent = node.cli("rotating", "send", "--channel", TestNode.freshChannel(), "--members", peer, "still here");
        assertEquals(0, sent.status(), sent.err());
    }
}
