package io.commucat.ccp.bench.soak;

import java.io.IOException;
import java.io.UncheckedIOException;
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
 * A {@code ccp serve} node in a JVM of its own, started from this JVM's class path (the server's
 * classes are on it: ccp-bench's jar bundles them, ccp-it's tests depend on the server), so it
 * can be killed the hard way (SIGKILL: no drain, no flush) or stopped gracefully (SIGTERM: the
 * node drains, says goodbye, flushes its inbox writer and ledger) and started again on the same
 * port and data directory. Each start's output goes to {@code server-N.log} in the data
 * directory.
 */
public final class NodeProcess implements AutoCloseable {

    private static final long START_TIMEOUT_SECONDS = 180; // a JVM start on a busy 2-core machine took 80 s

    private final String name;
    private final Path dir;
    private final int port;
    private final String heap;
    private final List<String> jvmOptions;
    private final Map<String, String> settings;
    private Process process;
    private Path log;
    private int starts;

    private NodeProcess(String name, Path dir, int port, String heap, List<String> jvmOptions,
            Map<String, String> settings) {
        this.name = name;
        this.dir = dir;
        this.port = port;
        this.heap = heap;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.settings = Map.copyOf(settings);
    }

    /**
     * A node (not started yet) on a free loopback port, with its data directory {@code dir} and
     * {@code settings} ({@code CCP_*} variables) on top of the bind address and data directory.
     *
     * @param heap the node's {@code -Xmx}, e.g. {@code 256m}
     */
    public static NodeProcess create(String name, Path dir, String heap, Map<String, String> settings)
            throws IOException {
        return create(name, dir, heap, List.of(), settings);
    }

    /** As {@link #create(String, Path, String, Map)}, with more JVM options for the node. */
    public static NodeProcess create(String name, Path dir, String heap, List<String> jvmOptions,
            Map<String, String> settings) throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new NodeProcess(name, dir, probe.getLocalPort(), heap, jvmOptions, settings);
        }
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    /** The development CA the node made in its data directory (trust it, or share its certificate). */
    public Path caFile() {
        return dir.resolve("dev-ca.pem");
    }

    public Path directory() {
        return dir;
    }

    public synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    /**
     * Starts the node (again) and waits until it accepts connections.
     *
     * @throws IllegalStateException when it exits or does not listen in time (with its log)
     */
    public synchronized void start() throws IOException, InterruptedException {
        if (alive()) {
            throw new IllegalStateException(name + " is running already");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + heap);
        command.add("-XX:+UseSerialGC"); // three nodes on a small machine: no parallel GC threads each
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("io.commucat.ccp.server.cli.Main");
        command.add("serve");
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(key -> key.startsWith("CCP_"));
        env.putAll(new HashMap<>(settings));
        env.put("CCP_SERVER_BIND", "127.0.0.1:" + port);
        env.put("CCP_SERVER_DATA_DIR", dir.toString());
        Files.createDirectories(dir);
        log = dir.resolve("server-" + (++starts) + ".log");
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        process = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + tail());
            }
            try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + " did not listen on " + port + " within "
                            + START_TIMEOUT_SECONDS + " s:\n" + tail());
                }
                Thread.sleep(100);
            }
        }
    }

    /** SIGKILL: the node gets no chance to drain, flush or say goodbye. */
    public synchronized void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /**
     * SIGTERM: the node drains its connections, tells its devices, flushes and stops; SIGKILL
     * if it has not within {@code seconds}.
     *
     * @return whether it stopped by itself in time
     */
    public synchronized boolean terminate(long seconds) throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return true;
        }
        process.destroy();
        if (process.waitFor(seconds, TimeUnit.SECONDS)) {
            return true;
        }
        kill();
        return false;
    }

    /** The last lines of the current start's log. */
    public synchronized String tail() {
        if (log == null) {
            return "";
        }
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        terminate(20);
    }
}
