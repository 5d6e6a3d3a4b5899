package io.commucat.ccp.bench.load;

import java.util.List;
import java.util.Locale;

/** The markdown tables of docs/benchmarks.md, "Server handshakes per core". */
final class Report {

    private final RunInfo info;
    private final List<LoadRun.Result> results;
    private final CryptoCeiling.Result crypto;
    private final TlsCeiling.Result tls;

    Report(RunInfo info, List<LoadRun.Result> results, CryptoCeiling.Result crypto, TlsCeiling.Result tls) {
        this.info = info;
        this.results = results;
        this.crypto = crypto;
        this.tls = tls;
    }

    /** The server's cryptographic (and, with TLS, TLS-handshake) cost of one bootstrap, µs. */
    double ceiling(Scenario s) {
        return crypto.bootstrap(s.pattern(), s.knownDevice()) + (s.tlsPerHandshake() ? tls.micros() : 0);
    }

    String markdown() {
        StringBuilder out = new StringBuilder();
        line(out, "Run: `%s`", info.command());
        line(out, "(%s; load average %s before, %s after; %d bootstraps in flight, devices on the SDK with %d I/O "
                + "threads: TLS excluded, a CcpClient per worker whose bootstraps are streams on its own connection "
                + "(%d connections); TLS included, a new CcpClient per bootstrap).", info.machine(), info.loadBefore(),
                info.loadAfter(), info.concurrency(), info.clientThreads(), info.connections());
        line(out, "");
        line(out, "| pattern | TLS | device | bootstraps | wall /s | p50 ms | p99 ms | server CPU µs | per server core-s "
                + "| ceiling µs | ceiling per core-s | ratio |");
        line(out, "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (LoadRun.Result r : results) {
            Scenario s = r.scenario();
            double c = ceiling(s);
            line(out, "| %s | %s | %s | %d | %.0f | %.1f | %.1f | %.0f | %.0f | %.0f | %.0f | %.2f |", s.pattern(),
                    s.tlsLabel(), s.deviceLabel(), r.handshakes(), r.perSecond(), r.p50Millis(), r.p99Millis(),
                    r.serverMicros(), 1e6 / r.serverMicros(), c, 1e6 / c, c / r.serverMicros());
        }
        line(out, "");
        line(out, "Where the CPU went, µs per bootstrap: the server's event loops, storage pool and other threads "
                + "(H2's included), how much of those three was kernel time (system calls, loopback TCP), the devices' "
                + "loops, and the GC/JIT/VM threads, which serve both sides (JIT: the JVM's compilation time; GC: pause time); "
                + "and the heap the server's threads allocated per bootstrap, which unlike CPU does not depend on the machine's load:");
        line(out, "");
        line(out, "| pattern | TLS | device | server loops | server storage | server other | server in kernel | devices | GC, JIT, VM "
                + "| of which JIT | GC pauses (wall) | server KiB allocated | failures |");
        line(out, "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (LoadRun.Result r : results) {
            Scenario s = r.scenario();
            line(out, "| %s | %s | %s | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.1f | %d |", s.pattern(),
                    s.tlsLabel(), s.deviceLabel(), r.micros(CpuMeter.Group.SERVER_LOOP),
                    r.micros(CpuMeter.Group.SERVER_STORAGE), r.micros(CpuMeter.Group.SERVER_OTHER),
                    r.serverKernelMicros(), r.micros(CpuMeter.Group.CLIENT), r.unattributedMicros(),
                    r.jitMicros(), r.gcMicros(), r.serverAllocatedKib(), r.failures());
        }
        line(out, "");
        line(out, "Ceiling parts (thread CPU µs, one thread, same JVM, after the load):");
        line(out, "");
        line(out, "| Noise XK responder | Noise IK responder | proof verify | certificate parse + verify "
                + "| certificate issue | TLS 1.3 server handshake (bare listener) | of which kernel |");
        line(out, "|---:|---:|---:|---:|---:|---:|---:|");
        line(out, "| %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f |", crypto.noiseXk(), crypto.noiseIk(),
                crypto.proofVerify(), crypto.certificateVerify(), crypto.certificateIssue(), tls.micros(),
                tls.kernelMicros());
        return out.toString();
    }

    private static void line(StringBuilder out, String format, Object... args) {
        out.append(String.format(Locale.ROOT, format, args)).append('\n');
    }
}
