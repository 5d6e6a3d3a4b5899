package io.commucat.ccp.bench;

import io.commucat.ccp.ledger.FileLedger;
import io.commucat.ccp.ledger.FileLedgerConfig;
import io.commucat.ccp.ledger.FsyncPolicy;
import io.commucat.ccp.ledger.Ledger;
import io.commucat.ccp.ledger.LedgerEvent;
import io.commucat.ccp.ledger.QueueOptions;
import io.commucat.ccp.ledger.Receipt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Audit records per second into a file in the temp directory, per fsync policy.
 * {@code burst}: 256 appends in flight, then wait for the last (what many connections do;
 * lets the writer group-commit). {@code oneAtATime}: each append waits for its receipt.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public class LedgerBenchmark {

    private static final int BURST = 256;

    @Param({"EVERY_RECORD", "BATCH", "NONE"})
    FsyncPolicy fsync;

    private Path directory;
    private Ledger ledger;
    private LedgerEvent event;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        directory = Files.createTempDirectory("ccp-ledger-bench");
        ledger = Ledger.start(FileLedger.open(FileLedgerConfig.defaults(directory).withFsync(fsync)), QueueOptions.defaults());
        // A handshake failure about as large as the server's (ccp-1.md §4.5): ~330 bytes a line.
        event = LedgerEvent.result("handshake", "failure", Map.of("reason", "handshake", "stage", "await_client",
                "remote", "198.51.100.23:51234", "device", "0b1c5e0e-7d1f-4d1e-9d55-3f7a0c2b9e41",
                "device_known", true, "noise_key_version", 3, "protocol_version", 1, "detail", "proof rejected"));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        ledger.close();
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(LedgerBenchmark::delete);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public Receipt burst() {
        CompletableFuture<Receipt> last = null;
        for (int i = 0; i < BURST; i++) {
            last = ledger.append(event);
        }
        return last.join();
    }

    @Benchmark
    public Receipt oneAtATime() {
        return ledger.append(event).join();
    }

    private static void delete(Path path) {
        try {
            Files.delete(path);
        } catch (IOException e) {
            // A leftover temp file is not worth failing a benchmark run.
        }
    }
}
