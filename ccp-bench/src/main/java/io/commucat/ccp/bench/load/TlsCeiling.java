package io.commucat.ccp.bench.load;

import io.commucat.ccp.client.transport.H2Transport;
import io.commucat.ccp.server.datadir.TlsMaterial;
import io.commucat.ccp.server.http.ServerTls;
import io.commucat.ccp.server.http.TlsSessions;
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
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
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
 *
 * <p>The listener resumes TLS 1.3 sessions as the node does ({@link TlsSessions}). With one
 * transport for every connection ({@link Handshakes#RESUMED}) the device presents its ticket
 * and the handshake resumes; with a fresh transport per connection ({@link Handshakes#FULL},
 * a device seen for the first time) it is a full handshake.
 */
final class TlsCeiling {

    /**
     * Server-thread CPU µs per connection, the part of it in the kernel, the connections
     * measured, and the share of them that resumed a session (as the server's TLS provider saw it).
     */
    record Result(double micros, double kernelMicros, long connections, double resumedShare) {
    }

    private static final String EPOLL = "io.netty.channel.epoll.";

    private final TlsMaterial tls;
    private final Transports client;
    private final int concurrency;
    private final Handshakes handshakes;
    /** Handshakes the server saw resume; written by the server thread. */
    private final AtomicLong resumed = new AtomicLong();

    /** Which handshakes the devices make. */
    enum Handshakes {
        /** Every connection from a new TLS context: no ticket to present. */
        FULL,
        /** Every connection from one TLS context, which keeps the last ticket. */
        RESUMED
    }

    /** Makes the load's device transport for a port on 127.0.0.1. */
    @FunctionalInterface
    interface Transports {
        H2Transport open(int port) throws java.io.IOException;
    }

    TlsCeiling(TlsMaterial tls, Transports client, int concurrency) {
        this(tls, client, concurrency, Handshakes.RESUMED);
    }

    TlsCeiling(TlsMaterial tls, Transports client, int concurrency, Handshakes handshakes) {
        this.tls = tls;
        this.client = client;
        this.concurrency = concurrency;
        this.handshakes = handshakes;
    }

    Result run(Duration warmup, Duration measure) throws Exception {
        SslContext ssl = ServerTls.forServer(tls.certificateChain(), tls.privateKey());
        TlsSessions sessions = TlsSessions.start(ssl, Duration.ofDays(1), Duration.ofHours(1), new SecureRandom());
        MultiThreadIoEventLoopGroup loop = new MultiThreadIoEventLoopGroup(1,
                new DefaultThreadFactory("tls-ceiling-server", true), ioFactory());
        try {
            long threadId = loop.submit(() -> Thread.currentThread().getId()).get();
            resumed.set(0);
            Channel server = new ServerBootstrap().group(loop).channel(serverChannel())
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(ssl.newHandler(ch.alloc()), new CloseAfterHandshake(resumed));
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
            sessions.close();
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
            loopOnce(() -> handshakes == Handshakes.RESUMED ? transport : client.open(port), done, stopping, stopped);
        }
        Thread.sleep(warmup.toMillis());
        long cpu0 = threads.getThreadCpuTime(threadId);
        long user0 = threads.getThreadUserTime(threadId);
        long n0 = done.get();
        long r0 = resumed.get();
        Thread.sleep(measure.toMillis());
        long cpu1 = threads.getThreadCpuTime(threadId);
        long user1 = threads.getThreadUserTime(threadId);
        long n1 = done.get();
        long r1 = resumed.get();
        stopping.set(true);
        stopped.await(30, TimeUnit.SECONDS);
        long n = n1 - n0;
        return new Result((cpu1 - cpu0) / 1000.0 / n, ((cpu1 - cpu0) - (user1 - user0)) / 1000.0 / n, n,
                Math.min(1.0, (double) (r1 - r0) / n));
    }

    /** The transport for the next connection: the shared one, or a fresh one (then closed after). */
    @FunctionalInterface
    private interface NextTransport {
        H2Transport get() throws java.io.IOException;
    }

    /**
     * Connect, wait for the server to close, repeat; counted when the connection has closed.
     * The server closes (after its session tickets), so the device has read them by then.
     */
    private static void loopOnce(NextTransport next, AtomicLong done, AtomicBoolean stopping, CountDownLatch stopped) {
        if (stopping.get()) {
            stopped.countDown();
            return;
        }
        H2Transport transport;
        try {
            transport = next.get();
        } catch (java.io.IOException e) {
            System.err.println("TLS ceiling: cannot make a transport: " + e);
            stopped.countDown();
            return;
        }
        transport.connect().whenComplete((connection, error) -> {
            if (error != null) {
                System.err.println("TLS ceiling: connect failed: " + error);
                loopOnce(next, done, stopping, stopped);
                return;
            }
            connection.closeFuture().whenComplete((ok, e) -> {
                done.incrementAndGet();
                loopOnce(next, done, stopping, stopped);
            });
        });
    }

    /**
     * Closes the connection once the handshake is done (the close_notify follows the session
     * tickets, so the device has them); anything read (the HTTP/2 preface) is dropped.
     */
    private static final class CloseAfterHandshake extends ChannelInboundHandlerAdapter {
        private final AtomicLong resumed;

        CloseAfterHandshake(AtomicLong resumed) {
            this.resumed = resumed;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof SslHandshakeCompletionEvent done) {
                if (done.isSuccess() && ServerTls.resumption(ctx.pipeline().get(SslHandler.class).engine())
                        == ServerTls.Resumption.RESUMED) {
                    resumed.incrementAndGet();
                }
                ctx.close();
            }
            ctx.fireUserEventTriggered(evt);
        }

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
