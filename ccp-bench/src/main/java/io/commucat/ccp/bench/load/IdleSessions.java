package io.commucat.ccp.bench.load;

import io.commucat.ccp.client.CcpClient;
import io.commucat.ccp.client.CcpSession;
import io.commucat.ccp.client.ClientResources;
import io.commucat.ccp.client.IdentityStore;
import io.commucat.ccp.client.SessionListener;
import io.commucat.ccp.client.Trust;
import io.commucat.ccp.crypto.Hex;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Heap per idle established session. Opens {@code N} sessions of new devices, each a {@link
 * CcpClient} (in-memory identity, shared {@link ClientResources}, its own TLS connection, as in
 * production), lets them idle, and reports the heap growth per session after a full GC.
 *
 * <p>Against an in-process node (the default) the figure counts <b>both sides</b> of every
 * session. With {@code --server} (a node in another process, e.g. {@link LoadNode} or
 * {@code ./ccp run} with its rate limits raised) it is the <b>SDK's side alone</b>: client,
 * transport and TLS context, connection, session, keys.
 *
 * <p>{@code java -Xmx2g -cp ccp-bench/target/benchmarks.jar io.commucat.ccp.bench.load.IdleSessions [N]
 * [--server URL --ca PEM]}
 */
@Command(name = "idle-sessions", mixinStandardHelpOptions = true,
        description = "Heap per idle session of SDK devices (markdown on stdout).")
public final class IdleSessions implements Callable<Integer> {

    static final int WARMUP_SESSIONS = 200;
    static final int IN_FLIGHT = 32;

    @Parameters(index = "0", defaultValue = "5000", description = "Idle sessions (default: ${DEFAULT-VALUE}).")
    int sessions;

    @Option(names = "--server", description = "A node in another process (https://host:port): count the devices alone.")
    URI server;

    @Option(names = "--ca", description = "The CA that signed the --server node's TLS certificate (PEM).")
    Path ca;

    @Option(names = "--client-threads", defaultValue = "2",
            description = "The devices' I/O threads (default: ${DEFAULT-VALUE}).")
    int clientThreads;

    private final String run = Hex.encode(new SecureRandom().generateSeed(4));
    private int next;

    public static void main(String[] args) {
        System.exit(new CommandLine(new IdleSessions()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if ((server == null) != (ca == null)) {
            System.err.println("idle-sessions: --server and --ca go together");
            return 2;
        }
        ClientResources resources = ClientResources.create(clientThreads);
        ExecutorService callbacks = Executors.newFixedThreadPool(2, new DefaultThreadFactory("idle-callback", true));
        EmbeddedNode node = server == null ? EmbeddedNode.start(Map.of()) : null;
        List<CcpClient> clients = new ArrayList<>();
        try {
            URI target = node != null ? URI.create("https://127.0.0.1:" + node.port()) : server;
            Trust trust = Trust.certificates(node != null ? node.devCa() : ca);
            List<CcpSession> warm = open(target, trust, resources, callbacks, WARMUP_SESSIONS, clients);
            long before = usedHeapAfterGc();
            List<CcpSession> held = open(target, trust, resources, callbacks, sessions, clients);
            Thread.sleep(2_000);
            long after = usedHeapAfterGc();
            double perSession = (after - before) / (double) sessions;
            String counted = node != null ? "device + server" : "device (SDK) only";
            System.out.printf("| idle sessions | JVM holds | heap growth | per session | 100 000 at that rate |%n");
            System.out.printf("|---:|---|---:|---:|---:|%n");
            System.out.printf("| %d | %s | %.1f MiB | %.1f KiB | %.2f GiB |%n", sessions, counted,
                    (after - before) / 1048576.0, perSession / 1024, perSession * 100_000 / (1L << 30));
            long hold = Long.getLong("ccp.idle.holdSeconds", 0);
            if (hold > 0) {
                // Time for a heap histogram from outside (jmap -histo:live) with the sessions open.
                System.err.println("holding " + hold + " s, pid " + ProcessHandle.current().pid());
                Thread.sleep(hold * 1000);
            }
            long ended = held.stream().filter(s -> s.closed().isDone()).count()
                    + warm.stream().filter(s -> s.closed().isDone()).count();
            if (ended > 0) {
                throw new IllegalStateException(ended + " sessions ended while idle");
            }
            return 0;
        } finally {
            clients.parallelStream().forEach(CcpClient::close);
            if (node != null) {
                node.close();
            }
            resources.close();
            callbacks.shutdownNow();
        }
    }

    /** Registers {@code count} new devices and connects a session of each; keeps them. */
    private List<CcpSession> open(URI target, Trust trust, ClientResources resources, ExecutorService callbacks,
            int count, List<CcpClient> clients) throws Exception {
        List<CcpSession> held = new ArrayList<>(count);
        for (int from = 0; from < count; from += IN_FLIGHT) {
            List<CompletableFuture<CcpSession>> chunk = new ArrayList<>();
            for (int i = from; i < Math.min(count, from + IN_FLIGHT); i++) {
                CcpClient client = CcpClient.builder(target).trust(trust).identityStore(IdentityStore.inMemory())
                        .resources(resources).callbackExecutor(callbacks).build();
                clients.add(client);
                chunk.add(client.register("idle-" + run + "-" + next++)
                        .thenCompose(enrolment -> client.connect(new SessionListener() { })));
            }
            for (CompletableFuture<CcpSession> session : chunk) {
                held.add(session.get(60, TimeUnit.SECONDS));
            }
            if ((from / IN_FLIGHT) % 20 == 0) {
                System.err.println("[idle] " + (from + chunk.size()) + " of " + count);
            }
        }
        return held;
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
