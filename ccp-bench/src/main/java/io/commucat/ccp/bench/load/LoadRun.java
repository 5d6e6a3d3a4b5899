package io.commucat.ccp.bench.load;

import io.commucat.ccp.client.CcpClient;
import io.commucat.ccp.client.CcpSession;
import io.commucat.ccp.client.ClientResources;
import io.commucat.ccp.client.IdentityStore;
import io.commucat.ccp.client.SessionListener;
import io.commucat.ccp.client.StoredIdentity;
import io.commucat.ccp.client.Trust;
import io.commucat.ccp.crypto.Hex;
import io.commucat.ccp.crypto.noise.NoisePattern;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs one {@link Scenario} with the device SDK: {@code concurrency} workers, each doing one
 * bootstrap after another (the next starts when the previous session or client has closed), for
 * a warm-up and then a measurement window; the server's thread CPU is sampled at the window's
 * edges. Every device is a {@link CcpClient} on shared {@link ClientResources}:
 *
 * <ul>
 *   <li><i>TLS excluded</i>: one client per worker for the whole run; its bootstraps are
 *       {@code /connect} streams on the client's own connection ({@link CcpClient#connect}, then
 *       {@link CcpSession#close}; a new device: {@link CcpClient#register} again and again, with a
 *       store that forgets each identity).</li>
 *   <li><i>TLS included</i>: a new client per bootstrap, closed after the server's Ack: its own TLS
 *       context and connection, and its own read of {@code /api/server-info}.</li>
 * </ul>
 *
 * The scenario's Noise pattern is fixed with {@link CcpClient.Builder#noisePattern}.
 */
final class LoadRun {

    /** The workers' threads, counted as the devices' CPU. */
    static final String WORKER_THREADS = "load-worker";
    private static final long TIMEOUT_SECONDS = 20;

    /** What one scenario measured. */
    record Result(Scenario scenario, int handshakes, double seconds, CpuMeter.Usage cpu, double p50Millis,
            double p99Millis, long failures, String lastFailure) {

        double perSecond() {
            return handshakes / seconds;
        }

        /** Server thread CPU µs per bootstrap (event loops, storage pool, database threads). */
        double serverMicros() {
            return cpu.server() / 1000.0 / handshakes;
        }

        double micros(CpuMeter.Group group) {
            return cpu.get(group) / 1000.0 / handshakes;
        }

        double unattributedMicros() {
            return cpu.unattributed() / 1000.0 / handshakes;
        }

        /** Heap the server's threads allocated per bootstrap, KiB. */
        double serverAllocatedKib() {
            return cpu.serverAllocated() / 1024.0 / handshakes;
        }

        double serverKernelMicros() {
            return cpu.serverKernel() / 1000.0 / handshakes;
        }

        double jitMicros() {
            return cpu.jitMillis() * 1000.0 / handshakes;
        }

        double gcMicros() {
            return cpu.gcMillis() * 1000.0 / handshakes;
        }
    }

    private final URI server;
    private final Trust trust;
    private final ClientResources resources;
    private final Executor callbacks;
    private final CpuMeter meter;
    private final int concurrency;
    private final String run = Hex.encode(new SecureRandom().generateSeed(4));
    private final AtomicLong handles = new AtomicLong();

    LoadRun(URI server, Trust trust, ClientResources resources, Executor callbacks, CpuMeter meter, int concurrency) {
        this.server = server;
        this.trust = trust;
        this.resources = resources;
        this.callbacks = callbacks;
        this.meter = meter;
        this.concurrency = concurrency;
    }

    Result run(Scenario scenario, Duration warmup, Duration measure) throws Exception {
        LatencyRecorder recorder = new LatencyRecorder();
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            IdentityStore known = scenario.knownDevice() ? register() : null;
            workers.add(new Worker(i, scenario, known, recorder));
        }
        workers.forEach(Thread::start);

        Thread.sleep(warmup.toMillis());
        CpuMeter.Sample before = meter.sample();
        long start = System.nanoTime();
        recorder.open();
        Thread.sleep(measure.toMillis());
        recorder.close();
        long end = System.nanoTime();
        CpuMeter.Sample after = meter.sample();

        workers.forEach(Worker::halt);
        for (Worker worker : workers) {
            worker.join(TimeUnit.SECONDS.toMillis(3 * TIMEOUT_SECONDS));
            if (worker.isAlive()) {
                System.err.println("warning: " + worker.getName() + " did not stop");
            }
        }
        return new Result(scenario, recorder.count(), (end - start) / 1e9, after.minus(before),
                recorder.quantileMillis(0.50), recorder.quantileMillis(0.99), recorder.failures(),
                recorder.lastFailure());
    }

    /** Registers a new device once; its store then holds it with the certificate the server issued. */
    private IdentityStore register() throws Exception {
        IdentityStore store = IdentityStore.inMemory();
        try (CcpClient client = client(store, NoisePattern.XK)) {
            await(client.register(handle()));
        }
        return store;
    }

    private CcpClient client(IdentityStore store, NoisePattern pattern) {
        return CcpClient.builder(server).trust(trust).identityStore(store).resources(resources)
                .callbackExecutor(callbacks).noisePattern(pattern).build();
    }

    /** Handles name new users; several runs may share a database. */
    private String handle() {
        return "load-" + run + "-" + handles.incrementAndGet();
    }

    private static <T> T await(Future<T> future) throws Exception {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /**
     * A store for registering one new device after another on the same client: every register
     * finds it empty, and what it saves is dropped (the device is not used again).
     */
    private static final class Forgetful implements IdentityStore {
        @Override
        public Optional<StoredIdentity> load() {
            return Optional.empty();
        }

        @Override
        public void save(StoredIdentity identity) {
        }
    }

    /** One device (or a stream of new ones) bootstrapping again and again, blocking on the SDK's futures. */
    private final class Worker extends Thread {
        private final Scenario scenario;
        private final IdentityStore known;
        private final LatencyRecorder recorder;
        private volatile boolean halted;

        Worker(int index, Scenario scenario, IdentityStore known, LatencyRecorder recorder) {
            super(WORKER_THREADS + "-" + index);
            setDaemon(true);
            this.scenario = scenario;
            this.known = known;
            this.recorder = recorder;
        }

        void halt() {
            halted = true;
        }

        @Override
        public void run() {
            // TLS excluded: the worker's one client, and its connection, serve every bootstrap.
            CcpClient shared = scenario.tlsPerHandshake() ? null
                    : client(known != null ? known : new Forgetful(), scenario.pattern());
            try {
                while (!halted) {
                    long start = System.nanoTime();
                    CcpClient client = shared != null ? shared
                            : client(known != null ? known : IdentityStore.inMemory(), scenario.pattern());
                    try {
                        if (known != null) {
                            CcpSession session = await(client.connect(new SessionListener() { }));
                            recorder.success(System.nanoTime() - start);
                            if (shared != null) {
                                session.close(); // the server then ends the session and the stream
                                await(session.closed());
                            }
                        } else {
                            // A new device: the registration's own bootstrap (its stream ends when the
                            // next register starts, or with the client).
                            await(client.register(handle()));
                            recorder.success(System.nanoTime() - start);
                        }
                    } catch (Exception e) {
                        recorder.failure(e);
                    } finally {
                        if (client != shared) {
                            client.close(); // TLS included: the connection was this bootstrap's alone
                        }
                    }
                }
            } finally {
                if (shared != null) {
                    shared.close();
                }
            }
        }
    }
}
