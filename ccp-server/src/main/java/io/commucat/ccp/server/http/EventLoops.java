package io.commucat.ccp.server.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.net.ExtendedSocketOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The I/O transport (native epoll when it loads, else NIO) and the event loop threads, named
 * {@code ccp-loop-N} so other parts can assert that blocking work never runs on them.
 *
 * <p>The epoll classes are a runtime-only dependency (the build stays platform-neutral), so
 * they are reached by name here, in this one place.
 */
final class EventLoops {

    static final String THREAD_PREFIX = "ccp-loop-";
    private static final Logger LOG = LoggerFactory.getLogger(EventLoops.class);
    private static final String EPOLL = "io.netty.channel.epoll.";
    private static final boolean EPOLL_AVAILABLE = epollAvailable();

    private EventLoops() {
    }

    static boolean epoll() {
        return EPOLL_AVAILABLE;
    }

    static String transportName() {
        return EPOLL_AVAILABLE ? "epoll" : "nio";
    }

    static MultiThreadIoEventLoopGroup newGroup(int threads) {
        IoHandlerFactory io = EPOLL_AVAILABLE
                ? (IoHandlerFactory) invokeStatic(EPOLL + "EpollIoHandler", "newFactory")
                : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, new LoopThreadFactory(), io);
    }

    @SuppressWarnings("unchecked")
    static Class<? extends ServerChannel> serverChannelClass() {
        if (!EPOLL_AVAILABLE) {
            return NioServerSocketChannel.class;
        }
        try {
            return (Class<? extends ServerChannel>) Class.forName(EPOLL + "EpollServerSocketChannel");
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * TCP keepalive probes after {@code idleSeconds} of silence, every {@code idleSeconds}, two
     * unanswered probes and the connection is dead: HTTP/1.1's liveness (ccp-1.md §4.3).
     */
    @SuppressWarnings("unchecked")
    static void tcpKeepalive(ServerBootstrap bootstrap, int idleSeconds) {
        bootstrap.childOption(ChannelOption.SO_KEEPALIVE, true);
        try {
            if (EPOLL_AVAILABLE) {
                Class<?> options = Class.forName(EPOLL + "EpollChannelOption");
                bootstrap.childOption((ChannelOption<Integer>) options.getField("TCP_KEEPIDLE").get(null), idleSeconds)
                        .childOption((ChannelOption<Integer>) options.getField("TCP_KEEPINTVL").get(null), idleSeconds)
                        .childOption((ChannelOption<Integer>) options.getField("TCP_KEEPCNT").get(null), 2);
            } else {
                bootstrap.childOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE), idleSeconds)
                        .childOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPINTERVAL), idleSeconds)
                        .childOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPCOUNT), 2);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("TCP keepalive timing not settable ({}); the OS defaults apply", e.toString());
        }
    }

    private static boolean epollAvailable() {
        try {
            return (Boolean) invokeStatic(EPOLL + "Epoll", "isAvailable");
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static Object invokeStatic(String className, String method) {
        try {
            return Class.forName(className).getMethod(method).invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot call " + className + "." + method, e);
        }
    }

    /** {@code ccp-loop-1}, {@code ccp-loop-2}, ...; FastThreadLocalThreads as Netty prefers. */
    static final class LoopThreadFactory implements ThreadFactory {
        private final AtomicInteger next = new AtomicInteger(1);

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new FastThreadLocalThread(task, THREAD_PREFIX + next.getAndIncrement());
            thread.setDaemon(false);
            return thread;
        }
    }
}
