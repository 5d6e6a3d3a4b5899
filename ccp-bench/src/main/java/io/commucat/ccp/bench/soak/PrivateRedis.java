package io.commucat.ccp.bench.soak;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code redis-server} of the soak's own on a free loopback port, without persistence (like
 * the CI Redis), so it can be killed with SIGKILL and started again, empty, on the same port:
 * what the nodes see of a real Redis restart. The shared Redis is never touched.
 */
final class PrivateRedis implements AutoCloseable {

    private final String binary;
    private final Path dir;
    private final int port;
    private Process process;

    PrivateRedis(String binary, Path dir) throws IOException {
        this.binary = binary;
        this.dir = dir;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            this.port = probe.getLocalPort();
        }
    }

    String url() {
        return "redis://127.0.0.1:" + port;
    }

    synchronized void start() throws IOException, InterruptedException {
        Files.createDirectories(dir);
        process = new ProcessBuilder(List.of(binary, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--protected-mode", "no"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile()))
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited with " + process.exitValue() + ": see "
                        + dir.resolve("redis.log"));
            }
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("redis-server did not listen on " + port + " within 20 s");
                }
                Thread.sleep(50);
            }
        }
    }

    /** SIGKILL: everything it held is gone. */
    synchronized void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
