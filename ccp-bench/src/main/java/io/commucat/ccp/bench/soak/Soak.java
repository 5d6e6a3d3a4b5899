package io.commucat.ccp.bench.soak;

import io.commucat.ccp.client.CcpClient;
import io.commucat.ccp.client.ClientResources;
import io.commucat.ccp.client.Deduplication;
import io.commucat.ccp.client.IdentityStore;
import io.commucat.ccp.client.Trust;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./ccp soak}: three nodes in their own processes on the shared PostgreSQL (a fresh
 * schema, behind the soak's proxy) and a private Redis, SDK devices in channels of several sizes
 * behind a TCP balancer, open-loop Msg traffic, and meanwhile one fault after another (see
 * {@link Fault}). Reports, per fault and in total, what was sent, acknowledged, delivered, lost
 * (acknowledged but never delivered), duplicated and reordered, and how long each fault took to
 * heal ({@link HealProbe}); exits non-zero when anything was lost or duplicated. docs/soak.md.
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = "Three nodes, SDK devices and faults: is anything acknowledged lost or delivered twice?")
public final class Soak implements java.util.concurrent.Callable<Integer> {

    @Option(names = "--duration", description = "Seconds of traffic and faults (default ${DEFAULT-VALUE}).")
    int duration = 300;

    @Option(names = "--rate", description = "Msgs per second offered in total, open loop (default ${DEFAULT-VALUE}).")
    double rate = 200;

    @Option(names = "--channels", split = ",", description = "Channel sizes in members (default 2,5,20).")
    int[] channels = {2, 5, 20};

    @Option(names = "--outage", description = "Seconds each fault lasts before it is lifted, at most a third of its slot"
            + " (default ${DEFAULT-VALUE}).")
    int outage = 8;

    @Option(names = "--heal-timeout", description = "Seconds to wait for a fault to heal (default ${DEFAULT-VALUE}).")
    int healTimeout = 90;

    @Option(names = "--drain-timeout", description = "Seconds to wait after the traffic for the last acknowledgements"
            + " and deliveries (default ${DEFAULT-VALUE}).")
    int drainTimeout = 90;

    @Option(names = "--nodes", description = "Nodes (default ${DEFAULT-VALUE}).")
    int nodes = 3;

    @Option(names = "--node-heap", description = "Each node's -Xmx (default ${DEFAULT-VALUE}).")
    String nodeHeap = "320m";

    @Option(names = "--node-jvm-option", description = "A JVM option for the nodes (repeatable; default"
            + " -XX:TieredStopAtLevel=1: C1 only, so that nodes restart quickly on a busy machine; the soak is about"
            + " correctness, not peak speed).")
    List<String> nodeJvmOptions = List.of("-XX:TieredStopAtLevel=1");

    @Option(names = "--postgres", description = "JDBC URL of the PostgreSQL to use (a schema is made and dropped;"
            + " default $CCP_TEST_POSTGRES_URL or jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres).")
    String postgres = System.getenv().getOrDefault("CCP_TEST_POSTGRES_URL",
            "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");

    @Option(names = "--redis-server", description = "The redis-server binary for the private Redis (default ${DEFAULT-VALUE}).")
    String redisServer = "redis-server";

    @Option(names = "--faults", split = ",", description = "Which faults, in order (default all: ${DEFAULT-VALUE}).")
    List<Fault> faults = List.of(Fault.values());

    @Option(names = "--work", description = "Directory for the nodes' data and logs (default a temporary one, deleted"
            + " at the end unless --keep).")
    Path work;

    @Option(names = "--keep", description = "Keep the work directory (nodes' logs) at the end.")
    boolean keep;

    private static final long STALL_SECONDS = 15;

    /** Progress lines, on standard error, with the time of day. */
    interface Progress {
        void say(String line);
    }

    /**
     * The figures of a run: one tally per window (the steady start, then each fault) and the
     * total. Their {@code lost} is what was missing after the drain; {@code foundInInbox} of those
     * arrived when every device reconnected at the end, {@code gone} never did.
     */
    public record Result(List<String> windows, List<Ledger.Tally> tallies, List<Optional<Duration>> heals,
            Ledger.Tally total, long foundInInbox, long gone, List<String> duplicateSamples,
            List<String> missingSamples) {

        public long lost() {
            return total.lost();
        }

        public long duplicated() {
            return total.duplicated();
        }

        public long reordered() {
            return total.reordered();
        }

        public long acked() {
            return total.acked();
        }

        public long delivered() {
            return total.delivered();
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Soak()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }

    /** Runs a soak with these command-line options and returns its figures (the report goes to {@code out}). */
    public static Result run(PrintStream out, String... args) throws Exception {
        Soak soak = new Soak();
        new CommandLine(soak).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(args);
        return soak.soak(out);
    }

    @Override
    public Integer call() throws Exception {
        Result result = soak(System.out);
        return result.lost() == 0 && result.duplicated() == 0 ? 0 : 1;
    }

    private final Progress progress = line -> System.err.println("[soak " + LocalTime.now().truncatedTo(ChronoUnit.SECONDS)
            + "] " + line);

    Result soak(PrintStream out) throws Exception {
        if (faults.isEmpty() || channels.length == 0 || Arrays.stream(channels).anyMatch(n -> n < 2)) {
            throw new CommandLine.ParameterException(new CommandLine(this), "need at least one fault and channels of 2+");
        }
        boolean temporary = work == null;
        Path dir = temporary ? Files.createTempDirectory("ccp-soak-") : Files.createDirectories(work);
        String run = HexFormat.of().toHexDigits(new SecureRandom().nextInt());
        List<String> windowNames = new ArrayList<>();
        windowNames.add("steady");
        faults.forEach(f -> windowNames.add(f.label));
        int devicesTotal = Arrays.stream(channels).sum();
        int[] channelOf = new int[devicesTotal];
        List<int[]> members = new ArrayList<>();
        for (int c = 0, d = 0; c < channels.length; c++) {
            int[] list = new int[channels[c]];
            for (int k = 0; k < channels[c]; k++, d++) {
                channelOf[d] = c;
                list[k] = d;
            }
            members.add(list);
        }
        Ledger ledger = new Ledger(channelOf, members, windowNames.size());

        List<SoakDevice> devices = new ArrayList<>();
        ClientResources resources = ClientResources.create(2);
        ExecutorService callbacks = Executors.newFixedThreadPool(2, new DefaultThreadFactory("soak-callback", true));
        Cluster[] cluster = new Cluster[1];
        AtomicBoolean cleaned = new AtomicBoolean();
        Runnable cleanup = () -> {
            if (!cleaned.compareAndSet(false, true)) {
                return;
            }
            devices.forEach(SoakDevice::close);
            resources.close();
            callbacks.shutdownNow();
            if (cluster[0] != null) {
                cluster[0].close();
            }
            if (temporary && !keep) {
                deleteTree(dir);
            }
        };
        Thread hook = new Thread(cleanup, "soak-cleanup");
        Runtime.getRuntime().addShutdownHook(hook); // Ctrl-C and kill stop the nodes and drop the schema too
        Traffic traffic = null;
        try {
            cluster[0] = Cluster.start(dir, postgres, redisServer, nodes, nodeHeap, nodeJvmOptions, progress::say);
            Cluster c = cluster[0];
            progress.say("nodes up behind the balancer at " + c.url() + "; schema " + c.schema + "; logs under " + dir);

            long firstChannel = 1 + ThreadLocalRandom.current().nextInt(Integer.MAX_VALUE - channels.length);
            List<List<SoakDevice>> byChannel = new ArrayList<>();
            Trust trust = Trust.certificates(c.caFile());
            for (int ch = 0; ch < channels.length; ch++) {
                List<SoakDevice> list = new ArrayList<>();
                for (int index : members.get(ch)) {
                    CcpClient client = CcpClient.builder(c.url()).trust(trust).identityStore(IdentityStore.inMemory())
                            .resources(resources).callbackExecutor(callbacks)
                            // Payloads are unique (run, sender, seq): the SDK docs' case for byContent.
                            .deduplication(Deduplication.byContent(4096))
                            .reconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(2))
                            .build();
                    SoakDevice device = new SoakDevice(index, ch, firstChannel + ch, run, client, ledger);
                    devices.add(device);
                    list.add(device);
                }
                byChannel.add(list);
            }
            progress.say("registering and connecting " + devicesTotal + " devices");
            for (int from = 0; from < devices.size(); from += 8) {
                List<CompletableFuture<Void>> chunk = new ArrayList<>();
                for (SoakDevice d : devices.subList(from, Math.min(devices.size(), from + 8))) {
                    chunk.add(d.register("soak-" + run + "-" + d.index));
                }
                CompletableFuture.allOf(chunk.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            }
            for (List<SoakDevice> list : byChannel) {
                SoakDevice opener = list.get(0);
                opener.session().join(opener.channel, list.stream().skip(1).map(d -> d.deviceId).toList())
                        .get(60, TimeUnit.SECONDS);
                List<CompletableFuture<Void>> joins = new ArrayList<>();
                for (SoakDevice d : list.subList(1, list.size())) {
                    joins.add(d.session().join(d.channel, List.of()));
                }
                CompletableFuture.allOf(joins.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            }

            traffic = new Traffic(byChannel, rate);
            StringBuilder plan = new StringBuilder();
            for (int ch = 0; ch < channels.length; ch++) {
                plan.append(String.format(Locale.ROOT, "%s%d members at %.1f msgs/s", ch == 0 ? "" : ", ", channels[ch],
                        traffic.rate(ch)));
            }
            long slotNanos = TimeUnit.SECONDS.toNanos(duration) / (faults.size() + 1);
            long outageNanos = Math.min(TimeUnit.SECONDS.toNanos(outage), slotNanos / 3);
            progress.say("devices: " + c.spread() + "; channels: " + plan + "; " + faults.size() + " faults, one every "
                    + TimeUnit.NANOSECONDS.toSeconds(slotNanos) + " s, each lasting "
                    + TimeUnit.NANOSECONDS.toMillis(outageNanos) / 1000.0 + " s");
            HealProbe probe = new HealProbe(devices, traffic, ledger);
            List<Optional<Duration>> heals = new ArrayList<>();
            heals.add(Optional.empty());

            long slotStart = System.nanoTime();
            traffic.start();
            sleepUntil(slotStart + slotNanos);
            for (int i = 0; i < faults.size(); i++) {
                slotStart = System.nanoTime();
                ledger.openWindow(i + 1);
                Fault.Lift lift = faults.get(i).inject(c, progress);
                sleepUntil(slotStart + outageNanos);
                Optional<Duration> heal;
                try {
                    lift.run();
                    heal = probe.measure(System.nanoTime(), Duration.ofSeconds(healTimeout));
                } catch (Exception e) {
                    // E.g. a node that does not start again: the run goes on without it.
                    String why = String.valueOf(e.getMessage()).lines().findFirst().orElse(e.toString());
                    progress.say(faults.get(i).label + ": could not be lifted: " + why);
                    heal = Optional.empty();
                }
                heals.add(heal);
                progress.say(faults.get(i).label + ": " + heal.map(h -> String.format(Locale.ROOT, "healed in %.2f s",
                        h.toMillis() / 1000.0)).orElse("NOT healed within " + healTimeout + " s")
                        + "; devices: " + c.spread() + "; so far " + soFar(ledger.tally(-1)));
                sleepUntil(slotStart + slotNanos);
            }
            traffic.close();
            progress.say("traffic stopped; draining (at most " + drainTimeout + " s)");
            drain(ledger);
            long[] lostAfterDrain = new long[windowNames.size()];
            for (int w = 0; w < lostAfterDrain.length; w++) {
                lostAfterDrain[w] = ledger.tally(w).lost();
            }
            List<String> missing = ledger.missingSamples();
            long foundInInbox = unstick(c, devices, ledger);
            Thread.sleep(1000); // a late second copy would arrive here

            List<Ledger.Tally> tallies = new ArrayList<>();
            for (int w = 0; w < windowNames.size(); w++) {
                tallies.add(ledger.tally(w).withLost(lostAfterDrain[w]));
            }
            Ledger.Tally end = ledger.tally(-1);
            Result result = new Result(windowNames, tallies, heals, end.withLost(Arrays.stream(lostAfterDrain).sum()),
                    foundInInbox, end.lost(), ledger.duplicateSamples(), missing);
            long ended = devices.stream().filter(d -> d.ended.get() != null).count();
            if (ended > 0) {
                progress.say("warning: " + ended + " sessions ended for good, e.g. "
                        + devices.stream().filter(d -> d.ended.get() != null).findFirst().get().ended.get());
            }
            long foreign = devices.stream().mapToLong(d -> d.foreignPayloads.get()).sum();
            if (foreign > 0) {
                progress.say("warning: " + foreign + " messages with payloads not of this run");
            }
            new SoakReport(out).print(result, devicesTotal, channels, rate, devices.stream().mapToLong(d -> d.reconnects.get()).sum());
            return result;
        } finally {
            if (traffic != null) {
                traffic.close();
            }
            cleanup.run();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // Already shutting down: the hook runs the (idempotent) cleanup.
            }
        }
    }

    /** Waits for every send's outcome, then for every acknowledged message to reach every member. */
    private void drain(Ledger ledger) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(drainTimeout);
        while (ledger.pending() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        // Until nothing is missing, or nothing has arrived for STALL_SECONDS (what is queued for a
        // connected device that was not told stays there: see unstick).
        long missing = ledger.undelivered();
        long changed = System.nanoTime();
        while (missing > 0 && System.nanoTime() < deadline
                && System.nanoTime() - changed < TimeUnit.SECONDS.toNanos(STALL_SECONDS)) {
            Thread.sleep(500);
            long now = ledger.undelivered();
            if (now != missing) {
                missing = now;
                changed = System.nanoTime();
            }
        }
        progress.say(String.format(Locale.ROOT, "drained: %d sends unanswered, %d acknowledged deliveries missing",
                ledger.pending(), ledger.undelivered()));
    }

    /**
     * Acknowledged deliveries still missing after the drain may sit in the inbox of a device that
     * stayed connected (a live delivery that went nowhere): every device's link is cut, so each
     * bootstraps again and is handed its inbox. What then arrives was lost to the application
     * (it was never delivered while the device stayed connected) but not to storage.
     *
     * @return how many missing deliveries arrived after the reconnect
     */
    private long unstick(Cluster cluster, List<SoakDevice> devices, Ledger ledger) throws InterruptedException {
        long missing = ledger.undelivered();
        if (missing == 0) {
            return 0;
        }
        progress.say(missing + " acknowledged deliveries missing, e.g. " + ledger.missingSamples().get(0)
                + "; cutting every device's link so that each bootstraps again and gets its inbox");
        cluster.balancer.cutAll();
        Thread.sleep(500);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!devices.stream().allMatch(SoakDevice::connected) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (ledger.undelivered() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        long left = ledger.undelivered();
        progress.say((missing - left) + " of them arrived after the reconnect; " + left + " still missing");
        return missing - left;
    }

    private static String soFar(Ledger.Tally t) {
        return String.format(Locale.ROOT, "sent %d, acked %d, pending %d, refused %d, delivered %d, missing now %d,"
                + " duplicated %d, reordered %d", t.sent(), t.acked(), t.pending(),
                t.refused().values().stream().mapToLong(Long::longValue).sum(), t.delivered(), t.lost(),
                t.duplicated(), t.reordered());
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long wait = nanos - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("[soak] could not delete " + root + ": " + e.getMessage());
        }
    }
}
