package io.commucat.ccp.server.storage.redis;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code redis-server} of a test's own ({@code /usr/bin/redis-server} unless {@code
 * CCP_TEST_REDIS_SERVER} names another) on a free loopback port, with nothing kept on disk: for
 * configurations the shared Redis must not be given (passwords, ACL users, TLS), and for tests
 * that kill it ({@code SIGKILL}) and start it again, empty, on the same port. The machine's
 * shared Redis is never touched; closing stops this process and no other.
 */
public final class PrivateRedis implements AutoCloseable {

    private static final String BINARY = System.getenv().getOrDefault("CCP_TEST_REDIS_SERVER", "/usr/bin/redis-server");

    private final Path directory;
    private final boolean ownsDirectory;
    private final int port;
    private final List<String> command;
    private Process process;

    private PrivateRedis(Path directory, boolean ownsDirectory, int port, List<String> arguments) {
        this.directory = directory;
        this.ownsDirectory = ownsDirectory;
        this.port = port;
        this.command = new ArrayList<>(List.of(BINARY, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", directory.toString()));
        this.command.addAll(arguments);
    }

    /** Plain TCP in a temporary directory, removed on {@link #close}. */
    public static PrivateRedis start() throws Exception {
        return launch(Files.createTempDirectory("ccp-private-redis-"), true, plain(freePort(), new String[0]));
    }

    /** Plain TCP, with {@code extra} arguments ({@code --requirepass x}, ...). */
    public static PrivateRedis start(Path dir, String... extra) throws Exception {
        return launch(dir, false, plain(freePort(), extra));
    }

    /** TLS only (no plain port), with the server's certificate and key in PEM files. */
    public static PrivateRedis startTls(Path dir, Path cert, Path key) throws Exception {
        int port = freePort();
        return launch(dir, false, new Launch(port, List.of("--port", "0", "--tls-port", Integer.toString(port),
                "--tls-cert-file", cert.toString(), "--tls-key-file", key.toString(), "--tls-auth-clients", "no")));
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:<port>} (plain TCP, no password). */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** {@code SIGKILL}: no goodbye to its clients, and everything it held is gone. */
    public synchronized void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** Starts it again, empty, on the same port with the same arguments, once it is down. */
    public synchronized void restart() throws Exception {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("already running");
        }
        Files.createDirectories(directory);
        Path log = directory.resolve("redis-" + port + ".log");
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            if (!process.isAlive()) {
                fail("redis-server exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    fail("redis-server did not listen on " + port + " within 20 s:\n" + Files.readString(log));
                }
                Thread.sleep(20);
            }
        }
    }

    /** Starts it again if a test left it killed. */
    public synchronized void ensureRunning() throws Exception {
        if (process == null || !process.isAlive()) {
            restart();
        }
    }

    @Override
    public synchronized void close() throws IOException, InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (ownsDirectory) {
            try (var files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private record Launch(int port, List<String> arguments) {
    }

    private static Launch plain(int port, String[] extra) {
        List<String> arguments = new ArrayList<>(List.of("--port", Integer.toString(port)));
        arguments.addAll(List.of(extra));
        return new Launch(port, arguments);
    }

    private static PrivateRedis launch(Path dir, boolean ownsDirectory, Launch launch) throws Exception {
        if (!Files.isExecutable(Path.of(BINARY))) {
            fail(BINARY + " is missing: install redis-server (apt-get install redis-server) or set CCP_TEST_REDIS_SERVER.");
        }
        PrivateRedis redis = new PrivateRedis(dir, ownsDirectory, launch.port(), launch.arguments());
        try {
            redis.restart();
        } catch (Exception | Error e) {
            redis.close();
            throw e;
        }
        return redis;
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }
}
