package io.commucat.ccp.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.client.handshake.UserHints;
import io.commucat.ccp.crypto.noise.NoisePattern;
import io.commucat.ccp.server.cli.CliContext;
import io.commucat.ccp.server.cli.Main;
import io.commucat.ccp.server.cli.RunningServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * {@code ccp admin enroll|devices|revoke} against a running node, as an operator runs them on the
 * server's machine: the admin token and the development CA come from the data directory.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class AdminCliEndToEndTest {

    private static final Pattern CODE = Pattern.compile("pairing code for \\S+: ([A-Z0-9]{4}-[A-Z0-9]{4}) \\(valid until ");

    private E2eNodes nodes;
    private TestNode node;

    @BeforeAll
    void startNode() throws Exception {
        nodes = E2eNodes.open("cli", runId -> new EmbeddedBackend());
        node = nodes.start("node", Map.of());
    }

    @AfterAll
    void stop() {
        if (nodes != null) {
            nodes.close();
        }
    }

    /** The command's exit status, standard output and standard error. */
    record Run(int status, String out, String err) {
    }

    private Run admin(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> argv = new ArrayList<>(List.of("admin", "--data", node.data.root().toString(),
                "--server", "https://127.0.0.1:" + node.node.port()));
        argv.addAll(List.of(args));
        int status = Main.run(argv.toArray(String[]::new), new CliContext(Map.of(), new PrintWriter(out, true),
                new PrintWriter(err, true), (config, data) -> {
                    throw new AssertionError("admin commands start no server");
                }));
        return new Run(status, out.toString(), err.toString());
    }

    @Test
    void enrollPrintsAPairingCodeForANewUser() {
        Run run = admin("enroll", nodes.newHandle());

        assertEquals(0, run.status(), run.err());
        assertTrue(CODE.matcher(run.out()).find(), run.out());
    }

    @Test
    void devicesListsAUsersDevicesAndRevokeEndsOne() throws Exception {
        String handle = nodes.newHandle();
        TestDevice device = nodes.newDevice();
        DeviceRun session = device.connect(node, NoisePattern.XK, UserHints.handle(handle));

        Run listed = admin("devices", handle);
        assertEquals(0, listed.status(), listed.err());
        assertTrue(listed.out().contains(device.id) && listed.out().contains("active"), listed.out());

        Run revoked = admin("revoke", device.id);
        assertEquals(0, revoked.status(), revoked.err());
        assertEquals("revoked " + device.id, revoked.out().strip());
        E2eNodes.awaitTrue(session.closed::isDone, "the revoked device's stream ends");
        assertTrue(admin("devices", handle).out().contains("revoked"));
    }

    @Test
    void jsonPrintsTheServersAnswer() {
        String handle = nodes.newHandle();
        admin("enroll", handle);

        Run run = admin("--json", "devices", handle);

        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("\"devices\""), run.out());
    }

    @Test
    void unknownHandleIsAFailureWithTheServersReason() {
        Run run = admin("devices", "nobody-" + nodes.newHandle());

        assertEquals(1, run.status());
        assertTrue(run.err().startsWith("ccp: admin: 404"), run.err());
    }

    @Test
    void wrongTokenIsRefusedWithNoPermissionStatus() throws Exception {
        Path token = Files.writeString(nodes.directory("wrong.token"), "not-the-admin-token\n");

        Run run = admin("--token-file", token.toString(), "enroll", nodes.newHandle());

        assertEquals(77, run.status(), run.err());
        assertTrue(run.err().contains("401"), run.err());
    }

    @Test
    void unreachableServerIsUnavailableStatus() {
        StringWriter err = new StringWriter();
        int status = Main.run(new String[] {"admin", "--data", node.data.root().toString(), "--server",
            "https://127.0.0.1:1", "devices", "x"}, new CliContext(Map.of(), new PrintWriter(new StringWriter()),
                new PrintWriter(err, true), (config, data) -> (RunningServer) null));

        assertEquals(69, status, err.toString());
        assertTrue(err.toString().contains("cannot reach"), err.toString());
    }

    @Test
    void adminWithoutASubcommandShowsUsage() {
        assertEquals(2, admin().status());
    }
}
