package io.commucat.ccp.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A node in a process of its own ({@code ccp serve} on this JVM's classpath), so a test can kill
 * it the hard way (SIGKILL: no drain, no flush) and start it again on the same port and data
 * directory. Its output goes to {@code server-N.log} in the data directory.
 */
final class ServerProcess implements AutoCloseable {

    private final Path dir;
    private final int port;
    private final Map<String, String> settings;
    private Process process;
    private int starts;

    private ServerProcess(Path dir, int port, Map<String, String> settings) {
        this.dir = dir;
        this.port = port;
        this.settings = settings;
    }

    /** Starts a node on a free loopback port with {@code settings} ({@code CCP_*}). */
    static ServerProcess start(Path dir, Map<String, String> settings) throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        ServerProcess server = new ServerProcess(dir, port, settings);
        server.start();
        return server;
    }

    int port() {
        return port;
    }

    Path caFile() {
        return dir.resolve("dev-ca.pem");
    }

    /** Starts the node (again) and waits until it accepts connections. */
    void start() throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("io.commucat.ccp.server.cli.Main");
        command.add("serve");
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("CCP_"));
        env.putAll(new HashMap<>(settings));
        env.put("CCP_SERVER_BIND", "127.0.0.1:" + port);
        env.put("CCP_SERVER_DATA_DIR", dir.toString());
        env.put("CCP_SECURITY_RATE_LIMIT_REGISTER_BURST", "1000");
        Path log = dir.resolve("server-" + (++starts) + ".log");
        Files.createDirectories(dir);
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        process = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            if (!process.isAlive()) {
                fail("the server process exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    fail("the server did not listen on " + port + " within 60 s:\n" + Files.readString(log));
                }
                Thread.sleep(100);
            }
        }
    }

    /** SIGKILL: the node gets no chance to drain, flush or say goodbye. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}
