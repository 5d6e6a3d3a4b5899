package io.commucat.ccp.bench.load;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.commucat.ccp.client.transport.DeviceConnection;
import io.commucat.ccp.client.transport.H2Connection;
import io.commucat.ccp.client.transport.H2Response;
import io.commucat.ccp.client.transport.H2Transport;
import io.commucat.ccp.crypto.Hex;
import io.commucat.ccp.crypto.noise.NoisePattern;
import io.commucat.ccp.proto.ControlJson;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Heap per idle established session (design target: 100 000 idle sessions in 2 GiB on a node).
 * Opens {@code N} sessions (XK, new devices, {@code S} streams per TLS connection, default
 * {@value #PER_CONNECTION}; 1 is one connection per device, as in production) against an
 * in-process node, lets them idle, and reports the heap growth per
 * session after a full GC. Devices and server share the JVM, so the figure is an upper bound
 * for the server's share: it also holds each device's transport, keys and stream channel.
 *
 * <p>{@code java -Xmx2g -cp ccp-bench/target/benchmarks.jar io.commucat.ccp.bench.load.IdleSessions [N [S]]}
 */
public final class IdleSessions {

    /** Below the server's default SETTINGS_MAX_CONCURRENT_STREAMS (100). */
    static final int PER_CONNECTION = 90;

    private IdleSessions() {
    }

    public static void main(String[] args) throws Exception {
        int sessions = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        int perConnection = args.length > 1 ? Integer.parseInt(args[1]) : PER_CONNECTION;
        EventLoopGroup clientLoops = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("idle-client", true),
                NioIoHandler.newFactory());
        try (EmbeddedNode node = EmbeddedNode.start(Map.of());
                H2Transport transport = H2Transport.builder("127.0.0.1", node.port()).trustCertificates(node.devCa())
                        .eventLoopGroup(clientLoops).build()) {
            Devices devices = new Devices(node.domain(), serverNoiseKey(transport), node.prologue());
            open(transport, devices, 200, perConnection); // warm up classes and pools before measuring
            long before = usedHeapAfterGc();
            List<Object> held = open(transport, devices, sessions, perConnection);
            Thread.sleep(2_000);
            long after = usedHeapAfterGc();
            double perSession = (after - before) / (double) sessions;
            System.out.printf("| idle sessions | streams per connection | heap growth | per session (device + server)"
                    + " | 100 000 sessions at that rate |%n");
            System.out.printf("|---:|---:|---:|---:|---:|%n");
            System.out.printf("| %d | %d | %.1f MiB | %.1f KiB | %.2f GiB |%n", sessions, perConnection,
                    (after - before) / 1048576.0, perSession / 1024, perSession * 100_000 / (1L << 30));
            long hold = Long.getLong("ccp.idle.holdSeconds", 0);
            if (hold > 0) {
                // Time for a heap histogram from outside (jmap -histo:live) with the sessions open.
                System.err.println("holding " + hold + " s, pid " + ProcessHandle.current().pid());
                Thread.sleep(hold * 1000);
            }
            if (held.size() != sessions) {
                throw new IllegalStateException("sessions lost");
            }
        } finally {
            clientLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    /** Establishes {@code count} sessions and keeps them (and their connections) open. */
    private static List<Object> open(H2Transport transport, Devices devices, int count, int perConnection)
            throws Exception {
        List<Object> held = new ArrayList<>(count);
        H2Connection connection = null;
        for (int i = 0; i < count; i++) {
            if (i % perConnection == 0) {
                connection = transport.connect().get(10, TimeUnit.SECONDS);
                held.add(connection);
            }
            DeviceConnection session = DeviceConnection.start(connection,
                    devices.handshake(devices.fresh(), NoisePattern.XK), null);
            session.established().get(10, TimeUnit.SECONDS);
            held.add(session);
        }
        held.removeIf(o -> o instanceof H2Connection);
        return held;
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static byte[] serverNoiseKey(H2Transport transport) throws Exception {
        H2Connection connection = transport.connect().get(10, TimeUnit.SECONDS);
        try {
            H2Response info = connection.get("/api/server-info").get(10, TimeUnit.SECONDS);
            byte[] body = info.body();
            ObjectNode json = ControlJson.parseObject(body, 0, body.length);
            return Hex.decode(json.get("noise_public").textValue());
        } finally {
            connection.close();
        }
    }
}
