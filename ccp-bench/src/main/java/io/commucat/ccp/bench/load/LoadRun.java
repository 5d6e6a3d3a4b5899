package io.commucat.ccp.bench.load;

import io.commucat.ccp.client.handshake.DeviceIdentity;
import io.commucat.ccp.client.handshake.EstablishedSession;
import io.commucat.ccp.client.transport.DeviceConnection;
import io.commucat.ccp.client.transport.H2Connection;
import io.commucat.ccp.client.transport.H2Transport;
import io.commucat.ccp.crypto.noise.NoisePattern;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs one {@link Scenario}: {@code concurrency} workers, each doing one bootstrap after another
 * (the next starts when the previous stream or connection has closed), for a warm-up and then a
 * measurement window; the server's thread CPU is sampled at the window's edges.
 */
final class LoadRun {

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

    private final H2Transport transport;
    private final Devices devices;
    private final CpuMeter meter;
    private final int concurrency;
    private final int connections;

    LoadRun(H2Transport transport, Devices devices, CpuMeter meter, int concurrency, int connections) {
        this.transport = transport;
        this.devices = devices;
        this.meter = meter;
        this.concurrency = concurrency;
        this.connections = connections;
    }

    Result run(Scenario scenario, Duration warmup, Duration measure) throws Exception {
        List<H2Connection> shared = new ArrayList<>();
        if (!scenario.tlsPerHandshake()) {
            for (int i = 0; i < connections; i++) {
                shared.add(transport.connect().get(10, TimeUnit.SECONDS));
            }
        }
        LatencyRecorder recorder = new LatencyRecorder();
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            DeviceIdentity device = scenario.knownDevice() ? register(shared, i) : null;
            workers.add(new Worker(scenario, shared.isEmpty() ? null : shared.get(i % shared.size()), device, recorder));
        }
        CountDownLatch stopped = new CountDownLatch(workers.size());
        workers.forEach(w -> w.start(stopped));

        Thread.sleep(warmup.toMillis());
        CpuMeter.Sample before = meter.sample();
        long start = System.nanoTime();
        recorder.open();
        Thread.sleep(measure.toMillis());
        recorder.close();
        long end = System.nanoTime();
        CpuMeter.Sample after = meter.sample();

        workers.forEach(Worker::stop);
        if (!stopped.await(30, TimeUnit.SECONDS)) {
            System.err.println("warning: " + stopped.getCount() + " workers did not stop");
        }
        shared.forEach(H2Connection::close);
        return new Result(scenario, recorder.count(), (end - start) / 1e9, after.minus(before),
                recorder.quantileMillis(0.50), recorder.quantileMillis(0.99), recorder.failures(),
                recorder.lastFailure());
    }

    /** Registers a new device once and returns it with the certificate the server issued. */
    private DeviceIdentity register(List<H2Connection> shared, int index) throws Exception {
        DeviceIdentity device = devices.fresh();
        H2Connection connection = shared.isEmpty() ? transport.connect().get(10, TimeUnit.SECONDS)
                : shared.get(index % shared.size());
        DeviceConnection bootstrap = DeviceConnection.start(connection, devices.handshake(device, NoisePattern.XK),
                null);
        EstablishedSession session = bootstrap.established().get(10, TimeUnit.SECONDS);
        bootstrap.endUpstream();
        bootstrap.closed().get(10, TimeUnit.SECONDS);
        if (shared.isEmpty()) {
            connection.close();
        }
        return device.withCertificate(session.certificate());
    }

    /** One device (or a stream of new ones) bootstrapping again and again. Callbacks on event loops. */
    private final class Worker {
        private final Scenario scenario;
        private final H2Connection connection;
        private final DeviceIdentity known;
        private final LatencyRecorder recorder;
        private volatile boolean stopping;
        private CountDownLatch stopped;

        Worker(Scenario scenario, H2Connection connection, DeviceIdentity known, LatencyRecorder recorder) {
            this.scenario = scenario;
            this.connection = connection;
            this.known = known;
            this.recorder = recorder;
        }

        void start(CountDownLatch stopped) {
            this.stopped = stopped;
            next();
        }

        void stop() {
            stopping = true;
        }

        private void next() {
            if (stopping) {
                stopped.countDown();
                return;
            }
            long start = System.nanoTime();
            CompletableFuture<H2Connection> opened = connection != null ? CompletableFuture.completedFuture(connection)
                    : transport.connect();
            opened.whenComplete((c, error) -> {
                if (error != null) {
                    recorder.failure(error);
                    next();
                } else {
                    bootstrap(c, start);
                }
            });
        }

        private void bootstrap(H2Connection c, long start) {
            DeviceIdentity device = known != null ? known : devices.fresh();
            DeviceConnection bootstrap = DeviceConnection.start(c, devices.handshake(device, scenario.pattern()), null);
            bootstrap.established().whenComplete((session, error) -> {
                if (error == null) {
                    recorder.success(System.nanoTime() - start);
                } else {
                    recorder.failure(error);
                }
                if (connection == null) {
                    c.close(); // TLS included: the connection was this bootstrap's alone
                } else {
                    bootstrap.endUpstream(); // the server closes the session and the stream
                }
            });
            CompletableFuture<?> done = connection == null ? c.closeFuture() : bootstrap.closed();
            done.whenComplete((ok, error) -> next());
        }
    }
}
