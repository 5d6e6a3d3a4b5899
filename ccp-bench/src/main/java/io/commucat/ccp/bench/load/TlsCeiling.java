package io.commucat.ccp.bench.load;

import io.commucat.ccp.client.transport.H2Transport;
import io.commucat.ccp.server.datadir.TlsMaterial;
import io.commucat.ccp.server.http.ServerTls;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The TLS part of the ceiling: a bare Netty listener with the node's own TLS context (same
 * certificate, TLS 1.3, ALPN, BoringSSL when it loads) and transport (epoll when it loads), on
 * one event loop thread, and nothing behind TLS. The load's own device transport connects
 * (TLS handshake, ALPN {@code h2}, HTTP/2 preface) and closes, {@code concurrency} at a time.
 * The figure is that one server thread's CPU per connection: accept, TLS handshake (ECDHE on
 * the negotiated group, ECDSA P-256 signature, key schedule), close.
 */
final class TlsCeiling {

    /** Server-thread CPU µs per connection, the part of it in the kernel, and the connections measured. */
    record Result(double micros, double kernelMicros, long connections) {
    }

    private static final String EPOLL = "io.netty.channel.epoll.";

    private final TlsMaterial tls;
    private final Transports client;
    private final int concurrency;

    /** Makes the load's device transport for a port on 127.0.0.1. */
    @FunctionalInterface
    interface Transports {
        H2Transport open(int port) throws java.io.IOException;
    }

    TlsCeiling(TlsMaterial tls, Transports client, int concurrency) {
        this.tls = tls;
        this.client = client;
        this.concurrency = concurrency;
    }

    Result run(Duration warmup, Duration measure) throws Exception {
        SslContext ssl = ServerTls.forServer(tls.certificateChain(), tls.privateKey());
        MultiThreadIoEventLoopGroup loop = new MultiThreadIoEventLoopGroup(1,
                new DefaultThreadFactory("tls-ceiling-server", true), ioFactory());
        try {
            long threadId = loop.submit(() -> Thread.currentThread().getId()).get();
            Channel server = new ServerBootstrap().group(loop).channel(serverChannel())
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(ssl.newHandler(ch.alloc()), new Discard());
                        }
                    })
                    .bind("127.0.0.1", 0).sync().channel();
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            try (H2Transport transport = client.open(port)) {
                return measure(transport, port, threadId, warmup, measure);
            } finally {
                server.close().sync();
            }
        } finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private Result measure(H2Transport transport, int port, long threadId, Duration warmup, Duration measure)
            throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        AtomicLong done = new AtomicLong();
        AtomicBoolean stopping = new AtomicBoolean();
        CountDownLatch stopped = new CountDownLatch(concurrency);
        for (int i = 0; i < concurrency; i++) {
            loopOnce(transport, done, stopping, stopped);
        }
        Thread.sleep(warmup.toMillis());
        long cpu0 = threads.getThreadCpuTime(threadId);
        long user0 = threads.getThreadUserTime(threadId);
        long n0 = done.get();
        Thread.sleep(measure.toMillis());
        long cpu1 = threads.getThreadCpuTime(threadId);
        long user1 = threads.getThreadUserTime(threadId);
        long n1 = done.get();
        stopping.set(true);
        stopped.await(30, TimeUnit.SECONDS);
        long n = n1 - n0;
        return new Result((cpu1 - cpu0) / 1000.0 / n, ((cpu1 - cpu0) - (user1 - user0)) / 1000.0 / n, n);
    }

    /** Connect, close, repeat; counted when the connection has closed. */
    private static void loopOnce(H2Transport transport, AtomicLong done, AtomicBoolean stopping, CountDownLatch stopped) {
        if (stopping.get()) {
            stopped.countDown();
            return;
        }
        transport.connect().whenComplete((connection, error) -> {
            if (error != null) {
                System.err.println("TLS ceiling: connect failed: " + error);
                loopOnce(transport, done, stopping, stopped);
                return;
            }
            connection.close();
            connection.closeFuture().whenComplete((ok, e) -> {
                done.incrementAndGet();
                loopOnce(transport, done, stopping, stopped);
            });
        });
    }

    /** Everything after TLS (the HTTP/2 preface) is dropped. */
    private static final class Discard extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    // The node's transport choice (ccp-server EventLoops): epoll, reached by name, else NIO.

    private static boolean epoll() {
        try {
            return (Boolean) Class.forName(EPOLL + "Epoll").getMethod("isAvailable").invoke(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return false;
        }
    }

    private static IoHandlerFactory ioFactory() throws ReflectiveOperationException {
        return epoll() ? (IoHandlerFactory) Class.forName(EPOLL + "EpollIoHandler").getMethod("newFactory").invoke(null)
                : NioIoHandler.newFactory();
    }

    @SuppressWarnings("unchecked")
    private static Class<? extends ServerChannel> serverChannel() throws ClassNotFoundException {
        return epoll() ? (Class<? extends ServerChannel>) Class.forName(EPOLL + "EpollServerSocketChannel")
                : NioServerSocketChannel.class;
    }
}
