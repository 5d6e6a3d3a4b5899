package io.commucat.ccp.client.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * The device's HTTP/2 transport to a CCP server: TLS 1.3 with ALPN {@code h2}, then any number
 * of {@link H2Connection}s, each carrying any number of {@code /connect} and REST streams
 * (ccp-1.md §1). Immutable after {@link Builder#build()}; thread-safe.
 *
 * <pre>{@code
 * try (H2Transport transport = H2Transport.builder("127.0.0.1", 8443)
 *         .trustCertificates(Path.of("ccp-data/dev-ca.pem")).build()) {
 *     H2Connection connection = transport.connect().get();
 *     ConnectStream stream = connection.openConnect(listener).get();
 *     stream.write(bytes);
 * }
 * }</pre>
 *
 * <p>Threads: connections live on an event loop group. Without {@link
 * Builder#eventLoopGroup} the transport makes one (daemon threads {@code ccp-client-loop-*})
 * and {@link #close()} shuts it down; a supplied group is shared, never shut down here, and must
 * serve NIO socket channels (a {@link MultiThreadIoEventLoopGroup} with {@link NioIoHandler}).
 * A load generator shares one group across many transports and connections.
 *
 * <p>TLS sessions: the transport builds its TLS context once and names the server's host and
 * port for every connection, so a device that reconnects through the same transport presents
 * the ticket of its last session and the server resumes it (no certificate, no signature). The
 * JDK uses each ticket once: of several connections opened at the same moment, only as many
 * resume as unused tickets are held. Keep one transport per server for the life of the device.
 */
public final class H2Transport implements AutoCloseable {

    private final String host;
    private final int port;
    private final String authority;
    private final SslContext ssl;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final boolean autoAckPings;
    private final Duration connectTimeout;

    private H2Transport(Builder b, SslContext ssl, EventLoopGroup group, boolean ownsGroup) {
        this.host = b.host;
        this.port = b.port;
        this.authority = b.authority != null ? b.authority : authorityOf(b.host, b.port);
        this.ssl = ssl;
        this.group = group;
        this.ownsGroup = ownsGroup;
        this.autoAckPings = b.autoAckPings;
        this.connectTimeout = b.connectTimeout;
    }

    /** A builder for a server at {@code host:port}; {@code host} is also the TLS name checked. */
    public static Builder builder(String host, int port) {
        return new Builder(host, port);
    }

    /**
     * Opens a TCP connection, completes the TLS 1.3 handshake, checks that ALPN chose {@code h2}
     * and sends the HTTP/2 preface. Fails with the TLS or socket exception, or an
     * {@link IOException} when the server did not choose {@code h2}.
     */
    public CompletableFuture<H2Connection> connect() {
        CompletableFuture<H2Connection> result = new CompletableFuture<>();
        ConnectionEvents events = new ConnectionEvents();
        Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        SslHandler tls = ssl.newHandler(ch.alloc(), host, port);
                        tls.setHandshakeTimeoutMillis(connectTimeout.toMillis());
                        // Listened to here, not after connect(): a server that closes right after
                        // the handshake may have emptied the pipeline before a later lookup.
                        tls.handshakeFuture().addListener(handshake -> {
                            if (!handshake.isSuccess()) {
                                ch.close();
                                result.completeExceptionally(handshake.cause());
                            } else if (!ApplicationProtocolNames.HTTP_2.equals(tls.applicationProtocol())) {
                                ch.close();
                                result.completeExceptionally(new IOException("server did not negotiate h2 (ALPN: "
                                        + tls.applicationProtocol() + ")"));
                            } else {
                                result.complete(new H2Connection(ch, events, authority));
                            }
                        });
                        ch.pipeline().addLast(tls);
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().autoAckPingFrame(autoAckPings).build());
                        // Servers do not open streams towards a device (no push); such streams are refused.
                        ch.pipeline().addLast(new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                        ch.pipeline().addLast(events);
                    }
                });
        bootstrap.connect(host, port).addListener(connected -> {
            if (!connected.isSuccess()) {
                result.completeExceptionally(connected.cause());
            }
        });
        return result;
    }

    /** Shuts the event loop group down if this transport made it (closing its connections). */
    @Override
    public void close() {
        if (ownsGroup) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    private static String authorityOf(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** Configures an {@link H2Transport}. Not thread-safe. */
    public static final class Builder {
        private final String host;
        private final int port;
        private String authority;
        private Path trustedCertificates;
        private EventLoopGroup group;
        private int threads = 1;
        private boolean autoAckPings = true;
        private Duration connectTimeout = Duration.ofSeconds(10);

        private Builder(String host, int port) {
            this.host = Objects.requireNonNull(host, "host");
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
        }

        /** Trusts only the CA certificates in this PEM file (e.g. the server's {@code dev-ca.pem}). */
        public Builder trustCertificates(Path pemFile) {
            this.trustedCertificates = Objects.requireNonNull(pemFile, "pemFile");
            return this;
        }

        /** Trusts the JDK's default trust store (the default). */
        public Builder trustSystemStore() {
            this.trustedCertificates = null;
            return this;
        }

        /** The {@code :authority} sent; default {@code host:port}. */
        public Builder authority(String authority) {
            this.authority = Objects.requireNonNull(authority, "authority");
            return this;
        }

        /**
         * Runs connections on {@code group}, which the caller owns (it is not shut down by {@link
         * H2Transport#close()}); it must serve NIO socket channels.
         */
        public Builder eventLoopGroup(EventLoopGroup group) {
            this.group = Objects.requireNonNull(group, "group");
            return this;
        }

        /** Threads of the group the transport makes when none is supplied; default 1. */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be positive");
            }
            this.threads = threads;
            return this;
        }

        /**
         * Whether PINGs are answered (the default, and what a device must do: ccp-1.md §4.3
         * closes a connection that does not). Off only to test a server's liveness check.
         */
        public Builder autoAckPings(boolean autoAck) {
            this.autoAckPings = autoAck;
            return this;
        }

        /** TCP connect and TLS handshake timeout each; default 10 s. */
        public Builder connectTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive");
            }
            this.connectTimeout = timeout;
            return this;
        }

        /**
         * @throws IOException when the trusted certificate file cannot be read or parsed
         */
        public H2Transport build() throws IOException {
            SslContext ssl = sslContext();
            boolean owns = group == null;
            EventLoopGroup g = owns
                    ? new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("ccp-client-loop", true),
                            NioIoHandler.newFactory())
                    : group;
            return new H2Transport(this, ssl, g, owns);
        }

        private SslContext sslContext() throws IOException {
            SslContextBuilder builder = SslContextBuilder.forClient()
                    .sslProvider(SslProvider.JDK)
                    .protocols("TLSv1.3")
                    .endpointIdentificationAlgorithm("HTTPS")
                    .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            ApplicationProtocolNames.HTTP_2));
            if (trustedCertificates != null) {
                if (!Files.isReadable(trustedCertificates)) {
                    throw new IOException("cannot read trusted certificates " + trustedCertificates);
                }
                builder.trustManager(trustedCertificates.toFile());
            }
            try {
                return builder.build();
            } catch (SSLException e) {
                throw new IOException("cannot build the TLS context: " + e.getMessage(), e);
            }
        }
    }
}
