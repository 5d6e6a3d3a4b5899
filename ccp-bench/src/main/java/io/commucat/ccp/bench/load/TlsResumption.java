package io.commucat.ccp.bench.load;

import io.commucat.ccp.client.transport.H2Transport;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What TLS 1.3 session resumption saves the server (issue #15): the bare TLS listener of {@link
 * TlsCeiling} (the node's certificate, TLS context and ticket keys) on one thread, reached by
 * the device SDK's transport, full and resumed handshakes measured alternately in the same JVM.
 * Prints a markdown table: server-thread CPU µs per connection for each, and their ratio.
 *
 * <pre>
 * java -cp ccp-bench/target/benchmarks.jar io.commucat.ccp.bench.load.TlsResumption [options]
 * </pre>
 */
@Command(name = "tls-resumption", mixinStandardHelpOptions = true,
        description = "Server CPU per TLS 1.3 handshake, full against resumed (markdown on stdout).")
public final class TlsResumption implements Callable<Integer> {

    @Option(names = {"-c", "--concurrency"}, defaultValue = "1",
            description = "Handshakes in flight (default: ${DEFAULT-VALUE}: the JDK client uses each ticket once, so a device resumes "
                    + "one connection per ticket it holds and concurrent ones mostly make full handshakes).")
    int concurrency;

    @Option(names = "--rounds", defaultValue = "3", description = "Full/resumed pairs measured (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--warmup", defaultValue = "3", description = "Unmeasured seconds before each measurement (default: ${DEFAULT-VALUE}).")
    int warmupSeconds;

    @Option(names = "--duration", defaultValue = "5", description = "Measured seconds each (default: ${DEFAULT-VALUE}).")
    int durationSeconds;

    @Option(names = "--client-threads", defaultValue = "2", description = "Device event loop threads (default: ${DEFAULT-VALUE}).")
    int clientThreads;

    private static String[] arguments = new String[0];

    public static void main(String[] args) {
        arguments = args.clone();
        System.exit(new CommandLine(new TlsResumption()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        String loadBefore = RunInfo.loadAverage();
        EventLoopGroup clientLoops = new MultiThreadIoEventLoopGroup(clientThreads,
                new DefaultThreadFactory(HandshakeLoad.CLIENT_THREADS, true), NioIoHandler.newFactory());
        List<TlsCeiling.Result> full = new ArrayList<>();
        List<TlsCeiling.Result> resumed = new ArrayList<>();
        try (EmbeddedNode node = EmbeddedNode.start(Map.of())) {
            TlsCeiling.Transports transports = port -> H2Transport.builder("127.0.0.1", port)
                    .trustCertificates(node.devCa()).eventLoopGroup(clientLoops).build();
            Duration warmup = Duration.ofSeconds(warmupSeconds);
            Duration measure = Duration.ofSeconds(durationSeconds);
            for (int i = 0; i < rounds; i++) {
                for (TlsCeiling.Handshakes kind : TlsCeiling.Handshakes.values()) {
                    TlsCeiling.Result r = new TlsCeiling(node.data().tls(), transports, concurrency, kind).run(warmup, measure);
                    System.err.printf(Locale.ROOT, "[tls] round %d %s: %d connections (%.0f %% resumed), %.0f µs server CPU each%n",
                            i + 1, kind, r.connections(), 100 * r.resumedShare(), r.micros());
                    (kind == TlsCeiling.Handshakes.FULL ? full : resumed).add(r);
                }
            }
        } finally {
            clientLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
        RunInfo info = new RunInfo(RunInfo.commandLine(TlsResumption.class, arguments), loadBefore, RunInfo.loadAverage(),
                concurrency, 0, clientThreads);
        System.out.println(markdown(info, full, resumed));
        return 0;
    }

    private String markdown(RunInfo info, List<TlsCeiling.Result> full, List<TlsCeiling.Result> resumed) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Run: `%s`%n(%s; load average %s before, %s after; %d handshakes in flight, "
                + "%d client threads, %d s measured per row after %d s warm-up).%n%n", info.command(), info.machine(),
                info.loadBefore(), info.loadAfter(), concurrency, clientThreads, durationSeconds, warmupSeconds));
        out.append("| round | full: connections | resumed by server | server µs each | of which kernel "
                + "| resumed: connections | resumed by server | server µs each | of which kernel | full / resumed |\n");
        out.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        double fullSum = 0;
        double resumedSum = 0;
        for (int i = 0; i < full.size(); i++) {
            TlsCeiling.Result f = full.get(i);
            TlsCeiling.Result r = resumed.get(i);
            fullSum += f.micros();
            resumedSum += r.micros();
            out.append(String.format(Locale.ROOT, "| %d | %d | %.0f %% | %.0f | %.0f | %d | %.0f %% | %.0f | %.0f | %.2f |%n",
                    i + 1, f.connections(), 100 * f.resumedShare(), f.micros(), f.kernelMicros(), r.connections(),
                    100 * r.resumedShare(), r.micros(), r.kernelMicros(), f.micros() / r.micros()));
        }
        out.append(String.format(Locale.ROOT, "| mean | | | %.0f | | | | %.0f | | %.2f |%n", fullSum / full.size(),
                resumedSum / resumed.size(), fullSum / resumedSum));
        double[] ratios = new double[full.size()];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = full.get(i).micros() / resumed.get(i).micros();
        }
        java.util.Arrays.sort(ratios);
        double median = ratios.length % 2 == 1 ? ratios[ratios.length / 2]
                : (ratios[ratios.length / 2 - 1] + ratios[ratios.length / 2]) / 2;
        out.append(String.format(Locale.ROOT, "%nMedian of the rounds' full / resumed: %.2f.%n", median));
        return out.toString();
    }
}
