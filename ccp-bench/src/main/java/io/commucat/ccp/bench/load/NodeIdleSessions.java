package io.commucat.ccp.bench.load;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The server's memory per idle session, measured from outside: the node in its own JVM ({@link
 * LoadNode}), the devices here ({@link IdleFleet}: light devices, a real bootstrap each, one or
 * many {@code /connect} streams per TLS connection, connections spread over loopback source
 * addresses). After a warm-up it reads the node (full GCs, then heap, {@code VmRSS} and NMT, see
 * {@link ProcessProbe}) as the baseline, then opens sessions up to each step and reads it again;
 * every figure is growth over the baseline divided by the sessions opened since. Markdown on
 * stdout, progress on stderr.
 *
 * <pre>
 * sleep infinity | java -Xms2g -Xmx2g -XX:+AlwaysPreTouch -XX:NativeMemoryTracking=summary \
 *     -cp ccp-bench/target/benchmarks.jar io.commucat.ccp.bench.load.LoadNode --postgres --info /tmp/node.txt &amp;
 * java -Xmx6g -cp ccp-bench/target/benchmarks.jar io.commucat.ccp.bench.load.NodeIdleSessions \
 *     --node /tmp/node.txt --steps 10000,50000,100000 [--streams-per-connection 1]
 * </pre>
 */
@Command(name = "node-idle-sessions", mixinStandardHelpOptions = true,
        description = {"The node's heap and resident memory per idle session, read from outside (markdown on stdout).",
                "Run the node with LoadNode (its --info file names the URL, CA and pid) and raise 'ulimit -n' for"
                        + " both processes: every session over its own connection takes a descriptor on each side."})
public final class NodeIdleSessions implements Callable<Integer> {

    private static final String OUTSIDE_NMT = "RSS outside NMT";

    @Option(names = "--node", required = true,
            description = "LoadNode's --info file: the node's URL, its CA file and its pid, one a line.")
    Path nodeInfo;

    @Option(names = "--steps", split = ",", defaultValue = "10000",
            description = "Session counts (warm-up included) at which the node is read, ascending (default: ${DEFAULT-VALUE}).")
    List<Integer> steps;

    @Option(names = "--streams-per-connection", defaultValue = "1",
            description = "/connect streams per TLS connection: 1 (default), a connection per device as in production;"
                    + " more, many sessions over one HTTP/2 connection (at most the node's max_concurrent_streams, 100).")
    int streamsPerConnection;

    @Option(names = "--source-addresses", defaultValue = "8",
            description = "Loopback addresses the connections leave from in turn, 127.0.0.2 onwards (default: ${DEFAULT-VALUE});"
                    + " each has ~28 000 ephemeral ports.")
    int sourceAddresses;

    @Option(names = "--warmup", defaultValue = "1000",
            description = "Sessions opened (and kept) before the baseline reading (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--in-flight", defaultValue = "64", description = "Bootstraps at a time (default: ${DEFAULT-VALUE}).")
    int inFlight;

    @Option(names = "--rate", defaultValue = "0",
            description = "Bootstraps started per second at most; 0 (default): as --in-flight allows.")
    double rate;

    @Option(names = "--io-threads", defaultValue = "2", description = "The devices' I/O threads (default: ${DEFAULT-VALUE}).")
    int ioThreads;

    @Option(names = "--settle", defaultValue = "5",
            description = "Seconds of idling before each reading (default: ${DEFAULT-VALUE}).")
    int settleSeconds;

    @Option(names = "--hold", defaultValue = "0",
            description = "Seconds to keep the sessions open after the last reading, for readings by hand (default: 0).")
    int holdSeconds;

    public static void main(String[] args) {
        System.exit(new CommandLine(new NodeIdleSessions()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        List<String> info = Files.readAllLines(nodeInfo);
        if (info.size() < 3) {
            System.err.println("node-idle-sessions: " + nodeInfo + " needs the URL, the CA file and the pid (LoadNode --info)");
            return 2;
        }
        URI server = URI.create(info.get(0).trim());
        Path ca = Path.of(info.get(1).trim());
        ProcessProbe node = new ProcessProbe(Long.parseLong(info.get(2).trim()));
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i) <= (i == 0 ? warmup : steps.get(i - 1))) {
                System.err.println("node-idle-sessions: --steps must ascend and exceed --warmup");
                return 2;
            }
        }
        List<InetAddress> sources = new ArrayList<>();
        for (int i = 0; i < sourceAddresses; i++) {
            sources.add(InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (2 + i)}));
        }
        String loadBefore = RunInfo.loadAverage();
        List<Row> rows = new ArrayList<>();
        ProcessProbe.Reading baseline;
        try (IdleFleet fleet = new IdleFleet(server, ca, sources, streamsPerConnection, ioThreads, inFlight, rate)) {
            fleet.open(warmup, "warm-up");
            Thread.sleep(settleSeconds * 1000L);
            baseline = node.read();
            int baselineSessions = fleet.established();
            System.err.println("[node-idle] baseline: " + describe(baseline));
            header(server, node, loadBefore, baseline);
            for (int step : steps) {
                long began = System.nanoTime();
                fleet.open(step - (fleet.established() + fleet.failed()), step + " sessions");
                double seconds = (System.nanoTime() - began) / 1e9;
                Thread.sleep(settleSeconds * 1000L);
                ProcessProbe.Reading reading = node.read();
                System.err.println("[node-idle] " + fleet.established() + " sessions: " + describe(reading));
                Row row = new Row(fleet.established(), fleet.established() - baselineSessions, fleet.connections(),
                        fleet.ended(), fleet.failed(), seconds, RunInfo.loadAverage(), reading);
                rows.add(row);
                row(baseline, row);
                if (fleet.failed() > 0) {
                    System.err.println("[node-idle] first failure: " + causes(fleet.firstFailure()));
                }
            }
            if (holdSeconds > 0) {
                System.err.println("[node-idle] holding the sessions for " + holdSeconds + " s");
                Thread.sleep(holdSeconds * 1000L);
            }
        }
        nativeTable(baseline, rows);
        return rows.stream().anyMatch(r -> r.ended > 0) ? 1 : 0;
    }

    /** One step's reading. */
    private record Row(int sessions, int sinceBaseline, int connections, int ended, int failed, double openSeconds,
            String load, ProcessProbe.Reading reading) {
    }

    /** The run's description and the table's head and baseline row; the steps' rows follow as they come. */
    private void header(URI server, ProcessProbe node, String loadBefore, ProcessProbe.Reading base) {
        System.out.printf(Locale.ROOT, "Node %s (pid %d): %s%n%n", server, node.pid(), nodeCommand(node.pid()));
        System.out.printf(Locale.ROOT, "Devices: %d streams per TLS connection, connections from %d loopback addresses,"
                + " %d warm-up sessions before the baseline; load average %s at the start.%n%n",
                streamsPerConnection, sourceAddresses, warmup, loadBefore);
        System.out.printf(Locale.ROOT, "| sessions | TLS connections | streams/conn | node heap after GC | heap/session"
                + " | node RSS | RSS/session | RSS outside the heap/session | NMT committed/session"
                + " | RSS outside NMT/session | threads | fds | ended, failed | load |%n");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|");
        System.out.printf(Locale.ROOT, "| baseline | | | %.1f MiB | | %.1f MiB | | | | | %d | %d | | %s |%n",
                mib(base.heapUsed()), mib(base.rss()), base.threads(), base.fds(), loadBefore);
        System.out.flush();
    }

    private void row(ProcessProbe.Reading base, Row row) {
        ProcessProbe.Reading r = row.reading;
        double n = row.sinceBaseline;
        System.out.printf(Locale.ROOT, "| %d | %d | %d | %.1f MiB | %.1f KiB | %.1f MiB | %.1f KiB | %.1f KiB | %s | %s"
                + " | %d | %d | %d, %d | %s |%n", row.sessions, row.connections, streamsPerConnection, mib(r.heapUsed()),
                kib(r.heapUsed() - base.heapUsed()) / n, mib(r.rss()), kib(r.rss() - base.rss()) / n,
                kib(r.outsideHeap() - base.outsideHeap()) / n,
                r.nativeTotal() == 0 ? "(no NMT)" : String.format(Locale.ROOT, "%.1f KiB",
                        kib(r.nativeTotal() - base.nativeTotal()) / n),
                r.nativeTotal() == 0 ? "" : String.format(Locale.ROOT, "%.1f KiB", kib(r.untracked() - base.untracked()) / n),
                r.threads(), r.fds(), row.ended, row.failed, row.load);
        System.out.flush();
    }

    /** NMT's categories that moved, per step. */
    private static void nativeTable(ProcessProbe.Reading base, List<Row> rows) {
        if (base.nativeTotal() == 0 || rows.isEmpty()) {
            return;
        }
        System.out.println();
        System.out.print("| NMT category (committed) | baseline MiB |");
        rows.forEach(row -> System.out.printf(Locale.ROOT, " %d: MiB | KiB/session |", row.sessions));
        System.out.println();
        System.out.print("|---|---:|");
        rows.forEach(row -> System.out.print("---:|---:|"));
        System.out.println();
        Set<String> categories = new LinkedHashSet<>(base.nativeCommitted().keySet());
        rows.forEach(row -> categories.addAll(row.reading.nativeCommitted().keySet()));
        categories.add(OUTSIDE_NMT);
        for (String category : categories) {
            long before = value(base, category);
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "| %s | %.1f |", category, mib(before)));
            boolean moved = false;
            for (Row row : rows) {
                long now = value(row.reading, category);
                double perSession = kib(now - before) / row.sinceBaseline;
                moved |= Math.abs(perSession) >= 0.05;
                line.append(String.format(Locale.ROOT, " %.1f | %.2f |", mib(now), perSession));
            }
            if (moved || category.equals(ProcessProbe.TOTAL)) {
                System.out.println(line);
            }
        }
    }

    private static String causes(Throwable failure) {
        StringBuilder chain = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            chain.append(chain.length() == 0 ? "" : " <- ").append(t);
        }
        return chain.toString();
    }

    private static long value(ProcessProbe.Reading reading, String category) {
        return category.equals(OUTSIDE_NMT) ? reading.untracked() : reading.nativeCommitted().getOrDefault(category, 0L);
    }

    private static String describe(ProcessProbe.Reading r) {
        return String.format(Locale.ROOT, "heap %.1f MiB used of %.1f, RSS %.1f MiB, NMT %.1f MiB, %d threads, %d fds",
                mib(r.heapUsed()), mib(r.heapCommitted()), mib(r.rss()), mib(r.nativeTotal()), r.threads(), r.fds());
    }

    /** The node's JVM options, for the report. */
    private static String nodeCommand(long pid) {
        try {
            String[] argv = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                    StandardCharsets.UTF_8).split("\0");
            List<String> options = new ArrayList<>();
            for (String arg : argv) {
                if (arg.startsWith("-X") || arg.startsWith("-D")) {
                    options.add(arg);
                }
            }
            return options.isEmpty() ? "JVM defaults" : String.join(" ", options);
        } catch (IOException e) {
            return "?";
        }
    }

    private static double mib(long bytes) {
        return bytes / 1048576.0;
    }

    private static double kib(long bytes) {
        return bytes / 1024.0;
    }
}
