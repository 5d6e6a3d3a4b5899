package io.commucat.ccp.bench.load;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/** The calling thread's CPU time in nanoseconds. */
final class ThreadCpu {

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    long now() {
        return threads.getCurrentThreadCpuTime();
    }
}
