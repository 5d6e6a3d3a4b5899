package io.commucat.ccp.server.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A {@code redis-server} of a test's own ({@code /usr/bin/redis-server} unless {@code
 * CCP_TEST_REDIS_SERVER} names another) on a free loopback port, with nothing kept on disk, so
 * that the test can kill it ({@code SIGKILL}) and start it again, empty, on the same port. The
 * machine's shared Redis is never touched.
 */
final class PrivateRedis implements AutoCloseable {

    private final int port;
    private final Path directory;
    private Process process;

    private PrivateRedis(int port, Path directory) {
        this.port = port;
        this.directory = directory;
    }

    static PrivateRedis start() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        PrivateRedis redis = new PrivateRedis(port, Files.createTempDirectory("ccp-private-redis-"));
        redis.restart();
        return redis;
    }

    String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts the server (again, empty) and waits until it accepts connections. */
    synchronized void restart() throws Exception {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("already running");
        }
        String binary = System.getenv().getOrDefault("CCP_TEST_REDIS_SERVER", "/usr/bin/redis-server");
        process = new ProcessBuilder(binary, "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", directory.toString())
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("redis.log").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("redis-server did not start on port " + port + ": "
                            + Files.readString(directory.resolve("redis.log")));
                }
                Thread.sleep(20);
            }
        }
    }

    /** Starts it again if a test left it killed. */
    synchronized void ensureRunning() throws Exception {
        if (process == null || !process.isAlive()) {
            restart();
        }
    }

    /** {@code SIGKILL}: no goodbye to its clients, and everything it held is gone. */
    synchronized void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public synchronized void close() throws IOException {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try (var files = Files.walk(directory)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
