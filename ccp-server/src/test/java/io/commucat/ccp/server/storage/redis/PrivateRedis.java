package io.commucat.ccp.server.storage.redis;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code redis-server} of a test's own ({@code /usr/bin/redis-server} unless
 * {@code CCP_TEST_REDIS_SERVER} names another), on a free loopback port, without persistence:
 * for configurations the shared Redis must not be given (passwords, ACL users, TLS). Closing it
 * stops that process and no other.
 */
final class PrivateRedis implements AutoCloseable {

    private static final String BINARY = System.getenv().getOrDefault("CCP_TEST_REDIS_SERVER", "/usr/bin/redis-server");

    private final Process process;
    private final int port;

    private PrivateRedis(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Plain TCP, with {@code extra} arguments ({@code --requirepass x}, ...). */
    static PrivateRedis start(Path dir, String... extra) throws Exception {
        int port = freePort();
        List<String> args = new ArrayList<>(List.of("--port", Integer.toString(port)));
        args.addAll(List.of(extra));
        return launch(dir, port, args);
    }

    /** TLS only (no plain port), with the server's certificate and key in PEM files. */
    static PrivateRedis startTls(Path dir, Path cert, Path key) throws Exception {
        int port = freePort();
        return launch(dir, port, List.of("--port", "0", "--tls-port", Integer.toString(port),
                "--tls-cert-file", cert.toString(), "--tls-key-file", key.toString(), "--tls-auth-clients", "no"));
    }

    int port() {
        return port;
    }

    private static PrivateRedis launch(Path dir, int port, List<String> args) throws Exception {
        if (!Files.isExecutable(Path.of(BINARY))) {
            fail(BINARY + " is missing: install redis-server (apt-get install redis-server) or set CCP_TEST_REDIS_SERVER.");
        }
        Files.createDirectories(dir);
        List<String> command = new ArrayList<>(List.of(BINARY, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", dir.toString()));
        command.addAll(args);
        Path log = dir.resolve("redis-" + port + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PrivateRedis redis = new PrivateRedis(process, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            if (!process.isAlive()) {
                fail("redis-server exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return redis;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    redis.close();
                    fail("redis-server did not listen on " + port + " within 20 s:\n" + Files.readString(log));
                }
                Thread.sleep(50);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
