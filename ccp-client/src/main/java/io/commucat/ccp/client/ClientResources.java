package io.commucat.ccp.client;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * I/O threads that many {@link CcpClient}s share (a gateway holding many devices, a load tool):
 * give them to each client's builder with {@link CcpClient.Builder#resources}. The clients do not
 * own them: close the resources after the clients. Without shared resources each client makes
 * and owns one I/O thread of its own.
 *
 * <p>Thread-safe.
 */
public final class ClientResources implements AutoCloseable {

    private final EventLoopGroup group;

    private ClientResources(int ioThreads) {
        this.group = new NioEventLoopGroup(ioThreads, new DefaultThreadFactory("ccp-client-io", true));
    }

    /** @param ioThreads event loop threads (one per core is plenty for thousands of sessions) */
    public static ClientResources create(int ioThreads) {
        if (ioThreads < 1) {
            throw new IllegalArgumentException("ioThreads must be at least 1: " + ioThreads);
        }
        return new ClientResources(ioThreads);
    }

    EventLoopGroup group() {
        return group;
    }

    /** Stops the I/O threads, closing whatever connections are still open on them. */
    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
