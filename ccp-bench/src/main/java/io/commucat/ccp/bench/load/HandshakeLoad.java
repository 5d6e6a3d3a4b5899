package io.commucat.ccp.bench.load;

import io.commucat.ccp.client.ClientResources;
import io.commucat.ccp.client.Trust;
import io.commucat.ccp.client.transport.H2Transport;
import io.commucat.ccp.crypto.noise.NoisePattern;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Server-side bootstraps per second per core (issue #10): starts a node in-process on the
 * embedded default, drives XK and IK bootstraps at it over loopback with the device SDK
 * ({@link io.commucat.ccp.client.CcpClient}s on shared resources, see {@link LoadRun}), and sets
 * the server's thread CPU per bootstrap beside the cryptographic ceiling measured in the same JVM
 * right after. See docs/benchmarks.md.
 *
 * <pre>
 * java -cp ccp-bench/target/benchmarks.jar io.commucat.ccp.bench.load.HandshakeLoad [options]
 * </pre>
 */
@Command(name = "handshake-load", mixinStandardHelpOptions = true,
        description = "Bootstraps per server core-second against the cryptographic ceiling (markdown on stdout).")
public final class HandshakeLoad implements Callable<Integer> {

    /** The TLS ceiling's client loops. */
    static final String CLIENT_THREADS = "load-client";
    /** The devices' callback pool (the SDK's own threads are {@code ccp-client-*}). */
    static final String CALLBACK_THREADS = "load-callback";

    @Option(names = "--patterns", split = ",", defaultValue = "XK,IK", description = "Noise patterns (default: ${DEFAULT-VALUE}).")
    List<NoisePattern> patterns;

    @Option(names = "--tls", split = ",", defaultValue = "excluded,included",
            description = "excluded: bootstraps are streams over open connections; included: a new TLS connection each.")
    List<String> tls;

    @Option(names = "--devices", split = ",", defaultValue = "known,new",
            description = "known: registered devices reconnect with their certificate; new: each bootstrap registers a device.")
    List<String> devices;

    @Option(names = {"-c", "--concurrency"}, defaultValue = "8", description = "Bootstraps in flight (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--client-threads", defaultValue = "2",
            description = "The devices' I/O threads, one ClientResources shared by all (default: ${DEFAULT-VALUE}).")
    int clientThreads;

    @Option(names = "--callback-threads", defaultValue = "2",
            description = "The devices' callback pool (default: ${DEFAULT-VALUE}).")
    int callbackThreads;

    @Option(names = "--warmup", defaultValue = "5", description = "Seconds of unmeasured load per scenario (default: ${DEFAULT-VALUE}).")
    int warmupSeconds;

    @Option(names = "--duration", defaultValue = "15", description = "Measured seconds per scenario (default: ${DEFAULT-VALUE}).")
    int durationSeconds;

    @Option(names = "--initial-warmup", defaultValue = "10", description = "Seconds of load before the first scenario, for the JIT (default: ${DEFAULT-VALUE}).")
    int initialWarmupSeconds;

    @Option(names = "--ceiling-time", defaultValue = "3", description = "Measured seconds per ceiling operation (default: ${DEFAULT-VALUE}).")
    int ceilingSeconds;

    @Option(names = "--set", description = "More node settings as CCP_* environment variables, e.g. --set CCP_STORAGE_POSTGRES_DSN=...")
    Map<String, String> settings = new HashMap<>();

    private static String[] arguments = new String[0];

    public static void main(String[] args) {
        arguments = args.clone();
        System.exit(new CommandLine(new HandshakeLoad()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        String loadBefore = RunInfo.loadAverage();
        EventLoopGroup clientLoops = new MultiThreadIoEventLoopGroup(clientThreads,
                new DefaultThreadFactory(CLIENT_THREADS, true), NioIoHandler.newFactory());
        ClientResources clientResources = ClientResources.create(clientThreads);
        ExecutorService callbacks = Executors.newFixedThreadPool(callbackThreads,
                new DefaultThreadFactory(CALLBACK_THREADS, true));
        List<LoadRun.Result> results = new ArrayList<>();
        CryptoCeiling.Result crypto;
        TlsCeiling.Result tlsCeiling;
        try (EmbeddedNode node = EmbeddedNode.start(settings)) {
            TlsCeiling.Transports transports = port -> H2Transport.builder("127.0.0.1", port)
                    .trustCertificates(node.devCa()).eventLoopGroup(clientLoops).build();
            LoadRun load = new LoadRun(URI.create("https://127.0.0.1:" + node.port()), Trust.certificates(node.devCa()),
                    clientResources, callbacks, new CpuMeter(CALLBACK_THREADS, LoadRun.WORKER_THREADS), concurrency);
            if (initialWarmupSeconds > 0) {
                progress("JIT warm-up, " + initialWarmupSeconds + " s");
                load.run(new Scenario(NoisePattern.XK, false, true), Duration.ofSeconds(initialWarmupSeconds),
                        Duration.ofSeconds(1));
            }
            for (Scenario scenario : scenarios()) {
                progress(scenario.toString());
                LoadRun.Result r = load.run(scenario, Duration.ofSeconds(warmupSeconds),
                        Duration.ofSeconds(durationSeconds));
                progress(String.format("  %d bootstraps, %.0f/s, server %.0f µs each, %d failures%s", r.handshakes(),
                        r.perSecond(), r.serverMicros(), r.failures(),
                        r.failures() > 0 ? " (last: " + r.lastFailure() + ")" : ""));
                results.add(r);
            }
            progress("crypto ceiling (one thread)");
            crypto = new CryptoCeiling(node.domain(), node.prologue(), Duration.ofSeconds(1),
                    Duration.ofSeconds(ceilingSeconds)).run();
            progress("TLS ceiling (bare TLS listener, one thread)");
            tlsCeiling = new TlsCeiling(node.data().tls(), transports, concurrency)
                    .run(Duration.ofSeconds(2), Duration.ofSeconds(Math.max(3, ceilingSeconds * 2)));
        } finally {
            clientResources.close();
            callbacks.shutdownNow();
            clientLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
        RunInfo info = new RunInfo(RunInfo.commandLine(HandshakeLoad.class, arguments), loadBefore, RunInfo.loadAverage(), concurrency,
                concurrency, clientThreads);
        System.out.println(new Report(info, results, crypto, tlsCeiling).markdown());
        return results.stream().anyMatch(r -> r.handshakes() == 0) ? 1 : 0;
    }

    private List<Scenario> scenarios() {
        List<Scenario> list = new ArrayList<>();
        for (String t : tls) {
            for (String d : devices) {
                for (NoisePattern p : patterns) {
                    list.add(new Scenario(p, parse(t, "included", "excluded"), parse(d, "known", "new")));
                }
            }
        }
        return list;
    }

    private static boolean parse(String value, String yes, String no) {
        if (value.equalsIgnoreCase(yes)) {
            return true;
        }
        if (value.equalsIgnoreCase(no)) {
            return false;
        }
        throw new CommandLine.ParameterException(new CommandLine(new HandshakeLoad()),
                "expected " + yes + " or " + no + ", got " + value);
    }

    private static void progress(String line) {
        System.err.println("[load] " + line);
    }
}
