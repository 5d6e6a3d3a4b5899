package io.commucat.ccp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.server.config.ConfigLoader;
import io.commucat.ccp.server.config.ServerConfig;
import io.commucat.ccp.server.datadir.DataDirectory;
import io.commucat.ccp.server.datadir.DataDirectoryBootstrap;
import io.commucat.ccp.server.node.CcpNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ccp-cli} against a real node (embedded default, TLS with its development CA): the
 * README's quick start of a first device and a paired second one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class CliMainTest {

    private static final Pattern CODE = Pattern.compile("pairing code: ([A-Z0-9]{4}-[A-Z0-9]{4})");

    @TempDir
    static Path dir;

    private CcpNode node;
    private DataDirectory data;

    @BeforeAll
    void startNode() throws Exception {
        Map<String, String> env = Map.of("CCP_SECURITY_RATE_LIMIT_REGISTER_BURST", "1000", "CCP_SERVER_BIND", "127.0.0.1:0",
                "CCP_SERVER_DATA_DIR", dir.resolve("server").toString());
        ServerConfig config = new ConfigLoader(env, warning -> { }).load(Optional.empty(), List.of());
        data = new DataDirectoryBootstrap().prepare(config);
        node = CcpNode.start(config, data);
    }

    @AfterAll
    void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    record Run(int status, String out, String err) {
    }

    private Run device(String identity, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> argv = new ArrayList<>(List.of("--server", "https://127.0.0.1:" + node.port(),
                "--cacert", data.root().resolve(DataDirectory.DEV_CA_CERT).toString(),
                "--identity", dir.resolve(identity).toString()));
        argv.addAll(List.of(args));
        int status = CliMain.run(argv.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(status, out.toString(), err.toString());
    }

    private static String code(Run run) {
        Matcher m = CODE.matcher(run.out());
        assertTrue(m.find(), run.out() + run.err());
        return m.group(1);
    }

    @Test
    void aFirstDeviceRegistersAndASecondPairsWithItsCode() throws Exception {
        Run registered = device("phone.json", "register", "--handle", "alice-" + System.nanoTime());
        assertEquals(0, registered.status(), registered.err());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("phone.json"))));

        Run code = device("phone.json", "code");
        assertEquals(0, code.status(), code.err());

        Run paired = device("laptop.json", "pair", code(code), "--name", "laptop");
        assertEquals(0, paired.status(), paired.err());
        assertTrue(paired.out().startsWith("paired device "), paired.out());

        Run listed = device("laptop.json", "devices");
        assertEquals(0, listed.status(), listed.err());
        assertEquals(3, listed.out().strip().split("\n").length, listed.out());
        assertTrue(listed.out().contains("laptop"), listed.out());
    }

    @Test
    void aWrongCodeFailsWithTheServersReasonAndWritesNoIdentity() {
        Run run = device("nothing.json", "pair", "ABCD-2345");

        assertEquals(1, run.status());
        assertTrue(run.err().contains("404"), run.err());
        assertFalse(Files.exists(dir.resolve("nothing.json")));
    }

    @Test
    void anExistingIdentityIsNeverOverwritten() throws Exception {
        device("taken.json", "register", "--handle", "bob-" + System.nanoTime());
        String before = Files.readString(dir.resolve("taken.json"));

        Run run = device("taken.json", "register", "--handle", "carol-" + System.nanoTime());

        assertEquals(1, run.status());
        assertTrue(run.err().contains("holds a device already"), run.err());
        assertEquals(before, Files.readString(dir.resolve("taken.json")));
    }

    @Test
    void aMissingIdentityIsExplained() {
        Run run = device("missing.json", "devices");

        assertEquals(1, run.status());
        assertTrue(run.err().contains("register or pair first"), run.err());
    }

    @Test
    void aMessageSentFromOneDeviceIsPrintedByListenOnTheOther() throws Exception {
        Run registered = device("sender.json", "register", "--handle", "erin-" + System.nanoTime());
        assertEquals(0, registered.status(), registered.err());
        String senderId = registered.out().split(" ")[2];
        Run paired = device("receiver.json", "pair", code(device("sender.json", "code")));
        assertEquals(0, paired.status(), paired.err());
        String receiverId = paired.out().split(" ")[2];
        long channel = 1 + (System.nanoTime() & 0x7fff_ffffL);
        // Each lists the other: whichever joins first opens the channel for both.
        java.util.concurrent.CompletableFuture<Run> listening = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> device("receiver.json", "listen", "--channel", Long.toString(channel), "--members", senderId,
                        "--count", "1", "--timeout", "20"));

        Run sent = device("sender.json", "send", "--channel", Long.toString(channel), "--members", receiverId,
                "hello from the CLI");

        assertEquals(0, sent.status(), sent.err());
        Run listened = listening.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(0, listened.status(), listened.err());
        assertEquals("hello from the CLI", listened.out().strip());
    }

    @Test
    void listenWithoutEnoughMessagesFailsAfterTheTimeout() {
        assertEquals(0, device("quiet.json", "register", "--handle", "frank-" + System.nanoTime()).status());

        Run run = device("quiet.json", "listen", "--channel", "4242", "--count", "1", "--timeout", "1");

        assertEquals(1, run.status());
        assertTrue(run.err().contains("0 of 1 messages"), run.err());
    }
}
