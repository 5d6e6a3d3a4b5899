package io.commucat.ccp.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A {@link LoadNode} in a child JVM, so that the devices' threads and the node's do not share a
 * process (issue #19 measures the node alone). Started with this JVM's class path; its standard
 * error goes to ours; closing it closes its standard input, which stops it, and kills it if it
 * has not stopped after 20 s.
 */
final class LoadNodeProcess implements AutoCloseable {

    private final Process process;
    private final URI url;
    private final Path devCa;

    private LoadNodeProcess(Process process, URI url, Path devCa) {
        this.process = process;
        this.url = url;
        this.devCa = devCa;
    }

    /**
     * @param jvmOptions e.g. {@code -Xms1g -Xmx1g}, or a JFR recording
     * @param settings {@code CCP_*} settings for the node
     */
    static LoadNodeProcess start(String name, List<String> jvmOptions, Map<String, String> settings) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), LoadNode.class.getName()));
        settings.forEach((k, v) -> command.addAll(List.of("--set", k + "=" + v)));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            return started(name, process);
        } catch (IOException | RuntimeException e) {
            process.destroyForcibly(); // never leave a node behind (it holds database connections)
            throw e;
        }
    }

    private static LoadNodeProcess started(String name, Process process) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String url = out.readLine();
        while (url != null && !url.startsWith("https://")) {
            url = out.readLine(); // the JVM's own lines first (e.g. a JFR recording's)
        }
        String ca = out.readLine();
        if (url == null || ca == null) {
            process.destroyForcibly();
            throw new IOException("node " + name + " did not start (exit " + waitFor(process) + ")");
        }
        RelayLoad.progress("node " + name + ": " + url + ", pid " + process.pid());
        return new LoadNodeProcess(process, URI.create(url), Path.of(ca));
    }

    private static int waitFor(Process process) {
        try {
            return process.waitFor(20, TimeUnit.SECONDS) ? process.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    URI url() {
        return url;
    }

    Path devCa() {
        return devCa;
    }

    long pid() {
        return process.pid();
    }

    /** The child's CPU time so far (user + system), in nanoseconds; -1 when unknown. */
    long cpuNanos() {
        return process.toHandle().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(-1L);
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close(); // LoadNode serves until its standard input ends
        } catch (IOException e) {
            // Gone already.
        }
        if (waitFor(process) < 0 && process.isAlive()) {
            process.destroyForcibly();
            waitFor(process);
        }
    }
}
