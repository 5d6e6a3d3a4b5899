package io.commucat.ccp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.commucat.ccp.server.config.ConfigLoader;
import io.commucat.ccp.server.config.ServerConfig;
import io.commucat.ccp.server.datadir.DataDirectory;
import io.commucat.ccp.server.datadir.DataDirectoryBootstrap;
import io.commucat.ccp.server.node.CcpNode;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real node on the embedded default in {@code dir} ({@code 127.0.0.1:0}, TLS with its
 * development CA), and {@code ccp-cli} run in-process against it with identity directories in
 * the same directory.
 */
final class TestNode implements AutoCloseable {

    private static final AtomicLong CHANNELS = new AtomicLong(System.nanoTime() & 0x3fff_ffffL);

    private final CcpNode node;
    private final DataDirectory data;
    private final Path dir;
    /** Runs commands that go on while the test talks to them (never the SDK's callback pool). */
    private final ExecutorService background = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "ccp-cli-test");
        thread.setDaemon(true);
        return thread;
    });

    private TestNode(CcpNode node, DataDirectory data, Path dir) {
        this.node = node;
        this.data = data;
        this.dir = dir;
    }

    static TestNode start(Path dir) throws Exception {
        // Every command is a new client from 127.0.0.1, and the tests run many: the per-address
        // limits are lifted; a key may be rotated right after its registration.
        Map<String, String> env = Map.of("CCP_SERVER_BIND", "127.0.0.1:0",
                "CCP_SERVER_DATA_DIR", dir.resolve("server").toString(),
                "CCP_SECURITY_RATE_LIMIT_REGISTER_BURST", "1000", "CCP_SECURITY_RATE_LIMIT_CONNECT_BURST", "1000",
                "CCP_SECURITY_RATE_LIMIT_HTTP_BURST", "1000", "CCP_SECURITY_RATE_LIMIT_PAIRING_BURST", "1000",
                "CCP_ROTATION_DEVICE_MIN_INTERVAL", "0");
        ServerConfig config = new ConfigLoader(env, warning -> { }).load(Optional.empty(), List.of());
        DataDirectory data = new DataDirectoryBootstrap().prepare(config);
        return new TestNode(CcpNode.start(config, data), data, dir);
    }

    /** What a command printed and how it ended. */
    record Run(int status, String out, String err) {
    }

    /** A command still running: its output so far, and its status when it ends. */
    record Running(StringWriter out, StringWriter err, CompletableFuture<Integer> status) {

        /** Waits until stdout holds {@code text}. */
        void awaitOut(String text) throws InterruptedException {
            awaitText(out, text);
        }

        void awaitErr(String text) throws InterruptedException {
            awaitText(err, text);
        }

        private void awaitText(StringWriter writer, String text) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!writer.toString().contains(text)) {
                if (status.isDone() || System.nanoTime() > deadline) {
                    fail("no '" + text + "' (status " + status.getNow(null) + ")\nout: " + out + "\nerr: " + err);
                }
                Thread.sleep(20);
            }
        }
    }

    Path dir() {
        return dir;
    }

    /** A channel id no other test uses. */
    static String freshChannel() {
        return Long.toString(CHANNELS.incrementAndGet());
    }

    /** {@code ccp-cli --server <node> --ca <its CA> --identity <dir/identity> args...}, stdin empty. */
    Run cli(String identity, String... args) {
        return cli(new ByteArrayInputStream(new byte[0]), identity, args);
    }

    Run cli(InputStream in, String identity, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = CliMain.run(argv(identity, args), in, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(status, out.toString(), err.toString());
    }

    /** As {@link #cli}, on another thread: for commands that run while the test does more. */
    Running start(InputStream in, String identity, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CompletableFuture<Integer> status = CompletableFuture.supplyAsync(
                () -> CliMain.run(argv(identity, args), in, new PrintWriter(out, true), new PrintWriter(err, true)),
                background);
        return new Running(out, err, status);
    }

    /** Bare arguments, no --server/--ca/--identity. */
    static Run bare(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = CliMain.run(args, new ByteArrayInputStream(new byte[0]), new PrintWriter(out, true),
                new PrintWriter(err, true));
        return new Run(status, out.toString(), err.toString());
    }

    private String[] argv(String identity, String... args) {
        List<String> argv = new ArrayList<>(List.of("--server", "https://127.0.0.1:" + node.port(),
                "--ca", data.root().resolve(DataDirectory.DEV_CA_CERT).toString(),
                "--identity", dir.resolve(identity).toString()));
        argv.addAll(List.of(args));
        return argv.toArray(String[]::new);
    }

    /** Registers {@code identity} as the first device of a new user; its device id. */
    String register(String identity) {
        Run run = cli(identity, "register", "--handle", identity + "-" + System.nanoTime());
        assertEquals(0, run.status(), run.err());
        return run.out().strip();
    }

    /** Pairs {@code identity} with {@code existing}'s user by a code; its device id. */
    String claim(String existing, String identity) {
        Run code = cli(existing, "pair-code");
        assertEquals(0, code.status(), code.err());
        Run claimed = cli(identity, "claim", code.out().strip(), "--name", identity);
        assertEquals(0, claimed.status(), claimed.err());
        return claimed.out().strip();
    }

    @Override
    public void close() {
        background.shutdownNow();
        node.close();
    }
}
