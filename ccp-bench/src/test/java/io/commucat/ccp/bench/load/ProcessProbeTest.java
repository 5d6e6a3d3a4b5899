package io.commucat.ccp.bench.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link ProcessProbe}: what it reads of a JVM from outside. */
@Timeout(120)
class ProcessProbeTest {

    @Test
    void g1HeapInfoIsReadFromItsFirstLine() {
        String g1 = """
                12345:
                 garbage-first heap   total 2097152K, used 25600K [0x0000000080000000, 0x0000000100000000)
                  region size 1024K, 3 young (3072K), 0 survivors (0K)
                 Metaspace       used 35000K, committed 35500K, reserved 1114112K
                  class space    used 4000K, committed 4200K, reserved 1048576K
                """;

        assertArrayEquals(new long[] {2097152L * 1024, 25600L * 1024}, ProcessProbe.heap(g1));
    }

    @Test
    void theGenerationsOfOtherCollectorsAreSummed() {
        String serial = """
                12345:
                 def new generation   total 9216K, used 1000K [0x00000000e0000000, 0x00000000e0a00000, 0x00000000eaaa0000)
                  eden space 8192K,  12% used [0x00000000e0000000, 0x00000000e00fa000, 0x00000000e0800000)
                 tenured generation   total 20480K, used 3000K [0x00000000eaaa0000, 0x00000000ebea0000, 0x0000000100000000)
                 Metaspace       used 35000K, committed 35500K, reserved 1114112K
                """;

        assertArrayEquals(new long[] {(9216L + 20480) * 1024, 4000L * 1024}, ProcessProbe.heap(serial));
    }

    @Test
    void aRunningJvmIsReadFromOutside() throws Exception {
        // This test's own JVM, read through jcmd in a child process as the node would be.
        ProcessProbe.Reading reading = new ProcessProbe(ProcessHandle.current().pid()).read();

        assertTrue(reading.heapUsed() > 0 && reading.heapUsed() <= reading.heapCommitted(), reading.toString());
        assertTrue(reading.rss() > reading.heapUsed() / 2, reading.toString());
        assertTrue(reading.threads() > 1 && reading.fds() > 2, reading.toString());
    }
}
