package io.commucat.ccp.bench.load;

import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time of this JVM's threads, grouped by who they work for: the server node (by the thread
 * names the node gives its pools, plus the embedded database's), the load generator's clients,
 * and the rest. Subtracting two {@link Sample}s gives the CPU each side spent in between.
 */
final class CpuMeter {

    /** Whose work a thread does. */
    enum Group {
        /** {@code ccp-loop-*}: Netty, TLS, HTTP/2, frames, Noise, proof. */
        SERVER_LOOP,
        /** {@code ccp-storage-*}: JDBC on H2, presence, certificates. */
        SERVER_STORAGE,
        /** Maintenance, the blocking REST pool, the embedded database's own threads. */
        SERVER_OTHER,
        /** The devices: the SDK's threads ({@code ccp-client-*}) and the load generator's own. */
        CLIENT,
        /** main, the ceiling thread, JMX, ... */
        OTHER
    }

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    /** The SDK's I/O, worker and timer threads; checked before the server's {@code ccp-} names. */
    static final String SDK_THREADS = "ccp-client-";

    private final List<String> clientPrefixes;

    /** @param toolPrefixes name prefixes of the load generator's own device threads (callback pools, workers) */
    CpuMeter(String... toolPrefixes) {
        this.clientPrefixes = new ArrayList<>(List.of(toolPrefixes));
        this.clientPrefixes.add(SDK_THREADS);
        if (!threads.isThreadCpuTimeSupported()) {
            throw new IllegalStateException("this JVM cannot measure per-thread CPU time");
        }
        threads.setThreadCpuTimeEnabled(true);
    }

    /** One reading: each live thread's CPU time since it started, and the whole process's. */
    record Sample(Map<Long, Reading> perThread, long processNanos, long jitMillis, long gcMillis) {

        /** CPU nanoseconds since {@code earlier} of the threads whose names start with {@code prefix}. */
        long threadsNamed(Sample earlier, String prefix) {
            long sum = 0;
            for (Map.Entry<Long, Reading> e : perThread.entrySet()) {
                if (e.getValue().name().startsWith(prefix)) {
                    Reading before = earlier.perThread.get(e.getKey());
                    sum += e.getValue().nanos() - (before == null ? 0 : before.nanos());
                }
            }
            return sum;
        }

        /**
         * CPU per group between {@code earlier} and this sample. Per thread id, so a thread that
         * ended in between loses only its time since {@code earlier}, never its whole past.
         */
        Usage minus(Sample earlier) {
            Map<Group, Long> d = new EnumMap<>(Group.class);
            Map<Group, Long> kernel = new EnumMap<>(Group.class);
            Map<Group, Long> allocated = new EnumMap<>(Group.class);
            for (Map.Entry<Long, Reading> e : perThread.entrySet()) {
                Reading now = e.getValue();
                Reading before = earlier.perThread.getOrDefault(e.getKey(),
                        new Reading(now.group(), now.name(), 0, 0, 0));
                d.merge(now.group(), now.nanos() - before.nanos(), Long::sum);
                kernel.merge(now.group(), now.nanos() - now.userNanos() - (before.nanos() - before.userNanos()), Long::sum);
                allocated.merge(now.group(), now.allocatedBytes() - before.allocatedBytes(), Long::sum);
            }
            return new Usage(d, kernel, allocated, processNanos - earlier.processNanos, jitMillis - earlier.jitMillis,
                    gcMillis - earlier.gcMillis);
        }
    }

    /**
     * @param userNanos the part spent in user mode; the rest went to system calls (sockets, epoll)
     * @param allocatedBytes heap the thread allocated since it started (as CPU, independent of the
     *     machine's load: the figure to compare between runs on a busy machine)
     */
    record Reading(Group group, String name, long nanos, long userNanos, long allocatedBytes) {
    }

    /**
     * CPU nanoseconds per group over an interval, and the whole process's; with the JVM's own
     * accounts of time spent compiling (JIT threads) and collecting (GC pauses), both in ms.
     */
    record Usage(Map<Group, Long> nanos, Map<Group, Long> kernelNanos, Map<Group, Long> allocatedBytes,
            long processNanos, long jitMillis, long gcMillis) {

        /** Heap the server's threads allocated (loops, storage pool, other). */
        long serverAllocated() {
            return allocatedBytes.getOrDefault(Group.SERVER_LOOP, 0L)
                    + allocatedBytes.getOrDefault(Group.SERVER_STORAGE, 0L)
                    + allocatedBytes.getOrDefault(Group.SERVER_OTHER, 0L);
        }

        long get(Group group) {
            return nanos.getOrDefault(group, 0L);
        }

        /** One group's CPU in the kernel. */
        long kernel(Group group) {
            return kernelNanos.getOrDefault(group, 0L);
        }

        /** The server threads' CPU in the kernel (system calls, loopback TCP). */
        long serverKernel() {
            return kernelNanos.getOrDefault(Group.SERVER_LOOP, 0L) + kernelNanos.getOrDefault(Group.SERVER_STORAGE, 0L)
                    + kernelNanos.getOrDefault(Group.SERVER_OTHER, 0L);
        }

        long server() {
            return get(Group.SERVER_LOOP) + get(Group.SERVER_STORAGE) + get(Group.SERVER_OTHER);
        }

        /** Process CPU no Java thread accounts for: GC, JIT compilers, VM threads (both sides cause it). */
        long unattributed() {
            long sum = 0;
            for (long v : nanos.values()) {
                sum += v;
            }
            return processNanos - sum;
        }
    }

    /** Not thread-safe; call from one thread. */
    Sample sample() {
        Map<Long, Reading> readings = new HashMap<>();
        long[] ids = threads.getAllThreadIds();
        ThreadInfo[] infos = threads.getThreadInfo(ids);
        for (int i = 0; i < ids.length; i++) {
            if (infos[i] == null) {
                continue;
            }
            long cpu = threads.getThreadCpuTime(ids[i]);
            long user = threads.getThreadUserTime(ids[i]);
            long allocated = threads instanceof com.sun.management.ThreadMXBean hotspot
                    ? Math.max(0, hotspot.getThreadAllocatedBytes(ids[i])) : 0;
            if (cpu >= 0 && user >= 0) {
                String name = infos[i].getThreadName();
                readings.put(ids[i], new Reading(classify(name), name, cpu, user, allocated));
            }
        }
        long gc = 0;
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            gc += Math.max(0, collector.getCollectionTime());
        }
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long compiling = jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
        return new Sample(readings, os.getProcessCpuTime(), compiling, gc);
    }

    Group classify(String name) {
        if (name.startsWith("ccp-loop-")) {
            return Group.SERVER_LOOP;
        }
        if (name.startsWith("ccp-storage-")) {
            return Group.SERVER_STORAGE;
        }
        for (String prefix : clientPrefixes) {
            if (name.startsWith(prefix)) {
                return Group.CLIENT;
            }
        }
        if (name.startsWith("ccp-") || name.startsWith("MVStore") || name.startsWith("H2 ") || name.startsWith("H2-")
                || name.startsWith("Hikari")) {
            return Group.SERVER_OTHER;
        }
        return Group.OTHER;
    }
}
