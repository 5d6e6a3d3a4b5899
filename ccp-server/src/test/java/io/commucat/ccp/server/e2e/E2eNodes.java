package io.commucat.ccp.server.e2e;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * What an end-to-end test class runs on: one storage backend, a temporary directory for its
 * nodes' data directories, the client's event loops, and the nodes it started; {@link #close()}
 * stops them in reverse order and removes it all. Device ids and handles it makes start with the
 * class's run id, so classes sharing PostgreSQL and Redis never meet.
 */
final class E2eNodes implements AutoCloseable {

    final String runId;
    final Backend backend;
    final MultiThreadIoEventLoopGroup clientLoops;
    private final Path root;
    private final List<TestNode> nodes = new ArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();

    private E2eNodes(String runId, Backend backend, Path root) {
        this.runId = runId;
        this.backend = backend;
        this.root = root;
        this.clientLoops = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("e2e-client-loop", true),
                NioIoHandler.newFactory());
    }

    /** @param backend the storage, given the run id (the PostgreSQL + Redis backend cleans up by it) */
    static E2eNodes open(String prefix, Function<String, Backend> backend) throws IOException {
        String runId = prefix + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        return new E2eNodes(runId, backend.apply(runId), Files.createTempDirectory("ccp-" + prefix + "-"));
    }

    /** Starts a node with its own data directory {@code name} and these {@code CCP_*} settings. */
    synchronized TestNode start(String name, Map<String, String> settings) throws Exception {
        TestNode node = TestNode.start(backend, root.resolve(name), settings, clientLoops);
        nodes.add(node);
        return node;
    }

    /** A directory under this class's temporary root. */
    Path directory(String name) {
        return root.resolve(name);
    }

    TestDevice newDevice() {
        return new TestDevice(runId + "-dev-" + ids.incrementAndGet());
    }

    String newHandle() {
        return runId + "-user-" + ids.incrementAndGet();
    }

    /** Polls {@code condition} every 20 ms for up to 15 s. */
    static void awaitTrue(Callable<Boolean> condition, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 15 s: " + what);
            }
            Thread.sleep(20);
        }
    }

    @Override
    public synchronized void close() {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).close();
        }
        clientLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        backend.close();
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
