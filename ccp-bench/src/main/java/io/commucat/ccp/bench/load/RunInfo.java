package io.commucat.ccp.bench.load;

import io.commucat.ccp.server.http.ServerTls;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** How the run was made, for the report's header. */
record RunInfo(String command, String loadBefore, String loadAfter, int concurrency, int connections,
        int clientThreads) {

    String machine() {
        return Runtime.getRuntime().availableProcessors() + " cores, JDK " + Runtime.version() + ", "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", TLS provider "
                + ServerTls.preferredProvider() + ", " + LocalDate.now();
    }

    /** {@code java <JVM options> -cp ccp-bench/target/benchmarks.jar <main> <args>}. */
    static String commandLine(Class<?> main, String[] args) {
        List<String> parts = new ArrayList<>(List.of("java"));
        for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (option.startsWith("-X") || option.startsWith("-XX") || option.startsWith("-D")) {
                parts.add(option);
            }
        }
        parts.addAll(List.of("-cp", "ccp-bench/target/benchmarks.jar", main.getName()));
        parts.addAll(List.of(args));
        return String.join(" ", parts);
    }

    /** The 1-minute load average, or "?" off Linux. */
    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }
}
