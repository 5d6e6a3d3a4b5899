package io.commucat.ccp.bench.load;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Memory readings of a JVM in another process, taken from outside so that the reader's own
 * heap and threads do not count: the heap after full GCs ({@code jcmd GC.run},
 * {@code GC.heap_info}), resident memory ({@code /proc/<pid>/status}) and, when the JVM runs with
 * {@code -XX:NativeMemoryTracking=summary}, what the JVM itself committed per category
 * ({@code jcmd VM.native_memory summary}). Linux only; {@code jcmd} from the running JDK.
 */
final class ProcessProbe {

    /** One reading; sizes in bytes. */
    record Reading(long heapUsed, long heapCommitted, long rss, long rssAnon, int threads, int fds,
            Map<String, Long> nativeCommitted) {

        /** Everything the JVM's NMT accounts for, committed; 0 without NMT. */
        long nativeTotal() {
            return nativeCommitted.getOrDefault(TOTAL, 0L);
        }

        /**
         * Resident memory less the committed heap (assumed resident: G1 touches what it
         * commits before long): what the process holds besides Java objects, whatever the
         * collector's sizing of the heap.
         */
        long outsideHeap() {
            return rss - heapCommitted;
        }

        /**
         * Resident memory NMT does not account for: what native libraries allocate with malloc
         * themselves (BoringSSL through netty-tcnative, the epoll transport), the allocator's
         * own overhead and free memory it keeps, less what NMT counts as committed but is not
         * touched yet. Meaningful only with NMT on.
         */
        long untracked() {
            return rss - nativeTotal();
        }
    }

    static final String TOTAL = "Total";
    private static final Pattern HEAP = Pattern.compile("total (\\d+)K, used (\\d+)K");
    private static final Pattern NMT_CATEGORY =
            Pattern.compile("^-\\s+(.+?) \\(reserved=(\\d+)KB, committed=(\\d+)KB\\)");
    private static final Pattern NMT_TOTAL = Pattern.compile("^Total: reserved=(\\d+)KB, committed=(\\d+)KB");
    private static final String JCMD = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();

    private final long pid;

    ProcessProbe(long pid) {
        this.pid = pid;
    }

    long pid() {
        return pid;
    }

    /** Two full GCs, then heap, resident memory, threads, descriptors and (if on) NMT. */
    Reading read() throws IOException, InterruptedException {
        jcmd("GC.run");
        jcmd("GC.run");
        long[] heap = heap(jcmd("GC.heap_info"));
        Map<String, Long> status = status();
        return new Reading(heap[1], heap[0], status.get("VmRSS"), status.getOrDefault("RssAnon", 0L),
                status.get("Threads").intValue(), fds(), nativeMemory());
    }

    /** Committed KiB → bytes per NMT category, {@link #TOTAL} included; empty without NMT. */
    private Map<String, Long> nativeMemory() throws IOException, InterruptedException {
        String out = jcmd("VM.native_memory", "summary");
        Map<String, Long> committed = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            String trimmed = line.trim();
            Matcher total = NMT_TOTAL.matcher(trimmed);
            if (total.find()) {
                committed.put(TOTAL, Long.parseLong(total.group(2)) * 1024);
                continue;
            }
            Matcher category = NMT_CATEGORY.matcher(trimmed);
            if (category.find()) {
                committed.put(category.group(1), Long.parseLong(category.group(3)) * 1024);
            }
        }
        return committed;
    }

    /** {committed, used} in bytes: G1's one line, or the sum of the generations of the other collectors. */
    static long[] heap(String heapInfo) {
        long committed = 0;
        long used = 0;
        for (String line : heapInfo.split("\n")) {
            String trimmed = line.trim();
            if (trimmed.startsWith("Metaspace") || trimmed.startsWith("class space") || trimmed.startsWith("region size")) {
                continue;
            }
            Matcher m = HEAP.matcher(trimmed);
            if (m.find()) {
                committed += Long.parseLong(m.group(1)) * 1024;
                used += Long.parseLong(m.group(2)) * 1024;
                if (trimmed.startsWith("garbage-first heap")) {
                    break; // G1: one line for the whole heap (the regions' lines follow)
                }
            }
        }
        if (committed == 0) {
            throw new IllegalStateException("cannot read GC.heap_info:\n" + heapInfo);
        }
        return new long[] {committed, used};
    }

    /** kB fields of /proc/<pid>/status in bytes, {@code Threads} as a count. */
    private Map<String, Long> status() throws IOException {
        Map<String, Long> fields = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            String[] parts = line.split(":\\s+", 2);
            if (parts.length < 2) {
                continue;
            }
            String[] value = parts[1].trim().split("\\s+");
            try {
                long number = Long.parseLong(value[0]);
                fields.put(parts[0], value.length > 1 && value[1].equals("kB") ? number * 1024 : number);
            } catch (NumberFormatException e) {
                // Not a number (State, Name, ...).
            }
        }
        return fields;
    }

    private int fds() throws IOException {
        try (Stream<Path> entries = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return (int) entries.count();
        }
    }

    private String jcmd(String... command) throws IOException, InterruptedException {
        String[] argv = new String[command.length + 2];
        argv[0] = JCMD;
        argv[1] = Long.toString(pid);
        System.arraycopy(command, 0, argv, 2, command.length);
        Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out;
        try (InputStream in = process.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroy();
            throw new IOException("jcmd " + String.join(" ", command) + " failed for pid " + pid + ": " + out);
        }
        return out;
    }
}
