package io.commucat.ccp.bench.load;

import java.util.Locale;

/** The markdown tables of docs/benchmarks.md, "Durable relay". */
final class RelayReport {
    private final RelayLoad o;
    private final RunInfo info;
    private final String database;
    private final RelayLoad.Reference.Result ref;
    private final RelayDevices.Result r;

    RelayReport(RelayLoad options, RunInfo info, String database, RelayLoad.Reference.Result reference, RelayDevices.Result result) {
        this.o = options;
        this.info = info;
        this.database = database;
        this.ref = reference;
        this.r = result;
    }

    String markdown() {
        StringBuilder out = new StringBuilder();
        String backend = o.usePostgres() ? "PostgreSQL" : "H2 (embedded)";
        String recipients = o.online ? "online" : "offline";
        line(out, "Run: `%s`", info.command());
        line(out, "(%s; load average %s before, %s after; %s; %d senders × %d Msgs in flight, %d-byte payload, "
                + "recipients %s; %d connections of ≤ %d sessions, devices on the SDK: %d I/O threads, "
                + "%d callback threads; warm-up %d s, measured %d s).",
                info.machine(), info.loadBefore(), info.loadAfter(), database, o.senders, o.window, o.size, recipients,
                r.connections(), o.perConnection, o.clientThreads, o.callbackThreads, o.warmupSeconds, o.seconds);
        line(out, "");
        line(out, "| backend | recipients | acked Msgs | acked Msgs/s | payload MiB/s | Ack p50 ms | Ack p99 ms "
                + "| refused | reference rows/s | server / reference |");
        line(out, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        double refRate = ref == null || ref.commits() == 0 ? Double.NaN : ref.rowsPerSecond();
        line(out, "| %s | %s | %d | %.0f | %.2f | %.1f | %.1f | %d | %s | %s |", backend, recipients, r.acked(),
                r.perSecond(), r.perSecond() * o.size / 1048576.0, r.ackP50Millis(), r.ackP99Millis(),
                r.refusedInWindow(), Double.isNaN(refRate) ? "—" : String.format(Locale.ROOT, "%.0f", refRate),
                Double.isNaN(refRate) ? "—" : String.format(Locale.ROOT, "%.2f", r.perSecond() / refRate));
        line(out, "");
        line(out, "Ack latency is from the device's `CcpSession.send` to its future's completion on the callback "
                + "pool (the SDK's queue, HTTP/2 flow control and the server included); the SDK does not show when "
                + "the Msg was written, so that part is not reported apart.");
        if (o.online) {
            line(out, "");
            line(out, "Delivered to the connected recipients in the window (first deliveries): %d Msgs (%.0f/s), "
                    + "sender's send to recipient's receipt p50 %.1f ms, p99 %.1f ms; every delivery acknowledged by "
                    + "the recipient (its envelope deleted).", r.delivered(), r.delivered() / r.seconds(), r.deliveryP50Millis(),
                    r.deliveryP99Millis());
        }
        line(out, "");
        line(out, "Outcome of the whole run (warm-up, window, drain): %d Msgs acked; refusals %s; Error frames "
                + "without a matching Msg %d; session failures %d%s; Msgs lost with a session %d;%s inbox rows at the "
                + "end %d.", r.ackedTotal(), r.refusals().isEmpty() ? "none" : r.refusals().toString(), r.errors(),
                r.failures(), r.lastFailure() == null ? "" : " (last: " + r.lastFailure() + ")", r.lostInFlight(),
                o.online ? " Msgs delivered to the recipients " + r.deliveredTotal() + " (of which delivered again "
                        + "in the same session: " + r.duplicates() + ");" : "", r.inboxRowsAtEnd());
        line(out, "");
        if (ref != null) {
            line(out, "Reference, measured in the same run before the node started: plain JDBC (%s), %d threads, "
                    + "each a loop of one transaction with a batched INSERT of %d rows (the server's statement, "
                    + "generated ids read back) into a copy of `inbox` (same columns and indexes), %.0f s after 2 s "
                    + "of warm-up%s.", o.usePostgres() ? "org.postgresql" : "H2, same URL options as the node",
                    ref.threads(), ref.batch(), ref.seconds(),
                    ref.failure() == null ? "" : "; FAILED: " + ref.failure());
            line(out, "");
            double rows = Math.max(1, ref.rows());
            double refJvm = ref.jvmNanos() / 1000.0 / rows;
            double refPg = o.usePostgres() ? ref.host().postgresNanos() / 1000.0 / rows : 0;
            line(out, "| rows | rows/s | MiB/s | commits/s | commit p50 ms | commit p99 ms | WAL flushes/s "
                    + "| JVM CPU µs per row | PostgreSQL CPU µs per row | rows per core-second | machine CPU busy |");
            line(out, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            line(out, "| %d | %.0f | %.2f | %.0f | %.1f | %.1f | %s | %.1f | %s | %.0f | %s |", ref.rows(),
                    ref.rowsPerSecond(), ref.rowsPerSecond() * ref.payloadBytes() / 1048576.0, ref.commitsPerSecond(),
                    ref.commitP50Millis(), ref.commitP99Millis(),
                    ref.db() == null ? "—" : fmt0(ref.db().walSyncs() / ref.seconds()), refJvm,
                    o.usePostgres() ? fmt1(refPg) : "—", 1e6 / (refJvm + refPg), pct(ref.host().busyShare()));
            line(out, "");
        }
        long n = Math.max(1, r.acked());
        CpuMeter.Usage cpu = r.cpu();
        double pgMicros = o.usePostgres() ? r.host().postgresNanos() / 1000.0 / n : 0;
        // The node's own CPU: its threads in this JVM, or its whole process with --node-process.
        boolean childNode = r.nodeProcessNanos() >= 0;
        double serverMicros = childNode ? r.nodeProcessNanos() / 1000.0 / n : cpu.server() / 1000.0 / n;
        line(out, "CPU per acked Msg in the window, µs: the node's event loops, storage threads and other threads "
                + "(inbox writers, H2's and the pool's threads), how much of those was kernel time, the devices' loops (same JVM), "
                + "GC/JIT/VM (both sides), the whole JVM, the PostgreSQL server's processes (from /proc), the node "
                + "plus PostgreSQL, and Msgs per core-second at that cost; last, the whole machine's busy share:");
        line(out, "");
        line(out, "| server loops | server storage | server other | server in kernel | devices | GC, JIT, VM "
                + "| JVM process | PostgreSQL | server + database | per core-second | machine CPU busy |");
        line(out, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        line(out, "| %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %s | %.1f | %.0f | %s |",
                cpu.get(CpuMeter.Group.SERVER_LOOP) / 1000.0 / n, cpu.get(CpuMeter.Group.SERVER_STORAGE) / 1000.0 / n,
                cpu.get(CpuMeter.Group.SERVER_OTHER) / 1000.0 / n, cpu.serverKernel() / 1000.0 / n,
                cpu.get(CpuMeter.Group.CLIENT) / 1000.0 / n, cpu.unattributed() / 1000.0 / n,
                cpu.processNanos() / 1000.0 / n, o.usePostgres() ? fmt1(pgMicros) : "—", serverMicros + pgMicros,
                1e6 / (serverMicros + pgMicros), pct(r.host().busyShare()));
        if (childNode) {
            line(out, "");
            line(out, "The node ran in a child JVM (`--node-process`): the server columns above are 0, and \"server + "
                    + "database\" is its whole process (%.1f µs per acked Msg, GC and JIT included) plus PostgreSQL.",
                    serverMicros);
        }
        if (ref != null && ref.rows() > 0) {
            double refMicros = (ref.jvmNanos() + (o.usePostgres() ? ref.host().postgresNanos() : 0)) / 1000.0 / ref.rows();
            line(out, "");
            line(out, "Per core-second, without the devices' share of this machine (on a real deployment they are "
                    + "elsewhere): the node and its database relay %.0f Msgs, the reference's JVM and database insert "
                    + "%.0f rows: **%.2f** of the reference.", 1e6 / (serverMicros + pgMicros), 1e6 / refMicros,
                    refMicros / (serverMicros + pgMicros));
        }
        if (r.db() != null) {
            RelayLoad.DbSample d = r.db();
            double s = r.seconds();
            line(out, "");
            // A session batch reads its channel once (one auto-commit SELECT joining channels,
            // members and devices); what is left of the transactions are the writes (inserts, and
            // deletes when online).
            long writes = d.commits() - d.channelReads();
            line(out, "PostgreSQL during the window (statistics views; the table counters are this run's schema "
                    + "alone, transactions are database-wide and WAL cluster-wide, so they include any other client). "
                    + "A session batch reads its channel once, with one auto-commit SELECT; write transactions are "
                    + "the transactions less one per channel read:");
            line(out, "");
            line(out, "| inbox rows/s | channel reads/s (≈ session batches) | rows per session batch | transactions/s "
                    + "| write transactions/s | inbox rows per write transaction | WAL flushes/s | rows per WAL flush "
                    + "| WAL MiB/s | inbox deletes/s |");
            line(out, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            line(out, "| %.0f | %.0f | %s | %.0f | %.0f | %s | %.0f | %s | %.1f | %.0f |", d.inserted() / s,
                    d.channelReads() / s,
                    d.channelReads() > 0 ? fmt1(d.inserted() / (double) d.channelReads()) : "—", d.commits() / s,
                    writes / s, writes > 0 ? fmt1(d.inserted() / (double) writes) : "—", d.walSyncs() / s,
                    d.walSyncs() > 0 ? fmt1(d.inserted() / (double) d.walSyncs()) : "—", d.walBytes() / s / 1048576.0,
                    d.deleted() / s);
        }
        return out.toString();
    }

    private static String fmt0(double v) {
        return String.format(Locale.ROOT, "%.0f", v);
    }

    private static String fmt1(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String pct(double share) {
        return Double.isNaN(share) ? "—" : String.format(Locale.ROOT, "%.0f %%", share * 100);
    }

    private static void line(StringBuilder out, String format, Object... args) {
        out.append(String.format(Locale.ROOT, format, args)).append('\n');
    }
}
