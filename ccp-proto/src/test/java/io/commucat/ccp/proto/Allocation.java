package io.commucat.ccp.proto;

import java.lang.management.ManagementFactory;

/** Bytes the current thread allocated, from the JVM's own accounting (HotSpot). */
final class Allocation {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private Allocation() {
    }

    static long current() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }
}
