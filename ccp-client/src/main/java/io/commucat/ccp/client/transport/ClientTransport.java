package io.commucat.ccp.client.transport;

import io.commucat.ccp.client.transport.ClientConnection.Protocol;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;

/**
 * The device's connector to a CCP server: a TCP connection, the TLS 1.3 handshake offering by
 * ALPN the protocols it was built with ({@code h2} then {@code http/1.1} by default), and then
 * the {@link ClientConnection} for the protocol the server actually chose: an {@link
 * H2Connection} for {@code h2}, an {@link H1Connection} for {@code http/1.1} or for no ALPN
 * answer at all (what a proxy that strips ALPN produces; ccp-1.md §1). When only {@code h2} was
 * offered and the server did not choose it, {@link #connect()} fails with an {@link IOException}
 * saying so. Immutable after {@link Builder#build()}; thread-safe.
 *
 * <pre>{@code
 * try (ClientTransport transport = ClientTransport.builder("ccp.example.org", 443)
 *         .trustPinnedPublicKey("sha256/...").build()) {
 *     ClientConnection connection = transport.connect().get();
 *     ConnectStream stream = connection.openConnect(listener).get();
 * }
 * }</pre>
 *
 * <p>Trust ({@link Builder}): the JDK's trust store (the default) or the CA certificates of a PEM
 * file, each with the host name checked against the certificate; or a pinned leaf certificate or
 * public key, which is then the whole decision (no CA, host name or date checks; see {@link
 * CertificatePins}). A pin that does not match fails the handshake with a {@link
 * CertificatePinException} naming both pins.
 *
 * <p>Threads: connections live on an event loop group. Without {@link Builder#eventLoopGroup}
 * the transport makes one (daemon threads {@code ccp-client-loop-*}) and {@link #close()} shuts
 * it down; a supplied group is shared, never shut down here, and must serve NIO socket channels
 * (a {@link MultiThreadIoEventLoopGroup} with {@link NioIoHandler}). Each connection stays on one
 * loop of the group, the extra sockets of an {@link H1Connection} included.
 *
 * <p>TLS sessions: the transport builds its TLS context once and names the server's host and
 * port for every connection, so a device that reconnects through the same transport presents
 * the ticket of its last session and the server resumes it (no certificate, no signature). The
 * JDK uses each ticket once: of several connections opened at the same moment, only as many
 * resume as unused tickets are held. Keep one transport per server for the life of the device.
 */
public final class ClientTransport implements AutoCloseable {

    private final String host;
    private final int port;
    private final String authority;
    private final List<Protocol> protocols;
    /** Offers {@link #protocols}. */
    private final SslContext ssl;
    /** Offers {@code http/1.1} alone: the further sockets of an {@link H1Connection}, and {@link #openWebSocket}. */
    private final SslContext http1Ssl;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final boolean autoAckPings;
    private final Duration connectTimeout;
    /** The address sockets are bound to before connecting; null: the system chooses. */
    private final InetAddress localAddress;

    private ClientTransport(Builder b, SslContext ssl, SslContext http1Ssl, EventLoopGroup group, boolean ownsGroup) {
        this.host = b.host;
        this.port = b.port;
        this.authority = b.authority != null ? b.authority : authorityOf(b.host, b.port);
        this.protocols = b.protocols;
        this.ssl = ssl;
        this.http1Ssl = http1Ssl;
        this.group = group;
        this.ownsGroup = ownsGroup;
        this.autoAckPings = b.autoAckPings;
        this.connectTimeout = b.connectTimeout;
        this.localAddress = b.localAddress;
    }

    /** A builder for a server at {@code host:port}; {@code host} is also the TLS name checked. */
    public static Builder builder(String host, int port) {
        return new Builder(host, port);
    }

    /**
     * Opens a TCP connection, completes the TLS 1.3 handshake and returns the connection for the
     * protocol ALPN chose (for HTTP/2 the preface is on its way). Fails with the socket or TLS
     * exception (an {@code SSLHandshakeException} caused by a {@link CertificatePinException} for
     * a pin mismatch), or an {@link IOException} when the server chose no protocol this transport
     * offers. The future completes on the connection's event loop.
     */
    public CompletableFuture<ClientConnection> connect() {
        CompletableFuture<ClientConnection> result = new CompletableFuture<>();
        dial(group, ssl, protocols, result, (channel, protocol) -> protocol == Protocol.HTTP_2
                ? http2(channel)
                : new H1Connection(H1Socket.install(channel), this::dialHttp1, authority));
        return result;
    }

    /**
     * Opens a WebSocket {@code /connect} (RFC 6455 upgrade) on a TLS socket of its own, ALPN
     * offering {@code http/1.1} alone, whatever protocols this transport offers otherwise; the
     * same trust and pins. Completes once the upgrade request is written; the listener then
     * sees the response head (101, or a refusal's status) as for {@link ClientConnection#openConnect}.
     * Used when a streaming {@code /connect} does not get through (see {@code CcpClient}).
     */
    public CompletableFuture<ConnectStream> openWebSocket(StreamListener listener) {
        Objects.requireNonNull(listener, "listener");
        CompletableFuture<ConnectStream> opened = new CompletableFuture<>();
        CompletableFuture<Channel> dialed = new CompletableFuture<>();
        dial(group, http1Ssl, List.of(Protocol.HTTP_1_1), dialed, (channel, protocol) -> channel);
        dialed.whenComplete((channel, error) -> {
            if (error != null) {
                opened.completeExceptionally(error);
            } else {
                WsStream.open(channel, authority, listener, opened);
            }
        });
        return opened;
    }

    /** Another socket of an {@link H1Connection}, on its {@code loop}. */
    private CompletableFuture<H1Socket> dialHttp1(EventLoop loop) {
        CompletableFuture<H1Socket> result = new CompletableFuture<>();
        dial(loop, http1Ssl, List.of(Protocol.HTTP_1_1), result, (channel, protocol) -> H1Socket.install(channel));
        return result;
    }

    private <T> void dial(EventLoopGroup on, SslContext context, List<Protocol> offered, CompletableFuture<T> result,
            Installer<T> installer) {
        Bootstrap bootstrap = new Bootstrap().group(on).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                // HTTP/1.1 has no PING: a /connect over it relies on TCP keepalive (as the server does).
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        SslHandler tls = context.newHandler(ch.alloc(), host, port);
                        tls.setHandshakeTimeoutMillis(connectTimeout.toMillis());
                        ch.pipeline().addLast(tls, new ProtocolSelector(offered,
                                protocol -> result.complete(installer.install(ch, protocol)),
                                result::completeExceptionally));
                    }
                });
        if (localAddress != null) {
            bootstrap.localAddress(new InetSocketAddress(localAddress, 0));
        }
        bootstrap.connect(host, port).addListener(connected -> {
            if (!connected.isSuccess()) {
                result.completeExceptionally(connected.cause());
            }
        });
    }

    /** Installs the codec for the chosen protocol on a channel whose TLS handshake is done. */
    private interface Installer<T> {
        T install(Channel channel, Protocol protocol);
    }

    private H2Connection http2(Channel channel) {
        ConnectionEvents events = new ConnectionEvents();
        channel.pipeline().addLast(Http2FrameCodecBuilder.forClient().autoAckPingFrame(autoAckPings).build());
        // Servers do not open streams towards a device (no push); such streams are refused.
        channel.pipeline().addLast(new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
        channel.pipeline().addLast(events);
        channel.flush(); // the preface and SETTINGS
        return new H2Connection(channel, events, authority);
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

    /** Configures a {@link ClientTransport}. Not thread-safe. */
    public static final class Builder {
        private enum TrustKind { SYSTEM, CA_FILE, PINNED_CERTIFICATE, PINNED_PUBLIC_KEY }

        private final String host;
        private final int port;
        private String authority;
        private TrustKind trust = TrustKind.SYSTEM;
        private Path trustFile;
        private String pin;
        private List<Protocol> protocols = List.of(Protocol.HTTP_2, Protocol.HTTP_1_1);
        private EventLoopGroup group;
        private int threads = 1;
        private boolean autoAckPings = true;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private InetAddress localAddress;

        private Builder(String host, int port) {
            this.host = Objects.requireNonNull(host, "host");
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
        }

        /** Trusts the JDK's default trust store, host name checked (the default). */
        public Builder trustSystemStore() {
            return trust(TrustKind.SYSTEM, null, null);
        }

        /** Trusts only the CA certificates in this PEM file (e.g. a server's {@code dev-ca.pem}), host name checked. */
        public Builder trustCertificates(Path caPemFile) {
            return trust(TrustKind.CA_FILE, Objects.requireNonNull(caPemFile, "caPemFile"), null);
        }

        /**
         * Trusts exactly the server whose leaf certificate is the first certificate of this PEM
         * file, whoever issued it; no host-name or date check.
         */
        public Builder trustPinnedCertificate(Path certificatePemFile) {
            return trust(TrustKind.PINNED_CERTIFICATE, Objects.requireNonNull(certificatePemFile, "certificatePemFile"), null);
        }

        /**
         * Trusts exactly the server whose leaf certificate carries this public key: {@code
         * sha256/} and the base64 SHA-256 of its SubjectPublicKeyInfo (the prefix may be left
         * out; see {@link CertificatePins}); no CA, host-name or date check.
         *
         * @throws IllegalArgumentException when {@code pin} is not such a value
         */
        public Builder trustPinnedPublicKey(String pin) {
            return trust(TrustKind.PINNED_PUBLIC_KEY, null, CertificatePins.normalizePublicKeyPin(pin));
        }

        private Builder trust(TrustKind kind, Path file, String publicKeyPin) {
            this.trust = kind;
            this.trustFile = file;
            this.pin = publicKeyPin;
            return this;
        }

        /**
         * The protocols offered by ALPN, in order of preference; default {@code HTTP_2, HTTP_1_1}.
         * With {@code HTTP_1_1} among them a server that chooses nothing is spoken to in HTTP/1.1;
         * without it such a server is refused.
         */
        public Builder protocols(Protocol... offered) {
            LinkedHashSet<Protocol> distinct = new LinkedHashSet<>(List.of(offered));
            if (distinct.isEmpty()) {
                throw new IllegalArgumentException("at least one protocol must be offered");
            }
            this.protocols = List.copyOf(distinct);
            return this;
        }

        /** The {@code :authority} (HTTP/1.1 {@code host}) sent; default {@code host:port}. */
        public Builder authority(String authority) {
            this.authority = Objects.requireNonNull(authority, "authority");
            return this;
        }

        /**
         * Runs connections on {@code group}, which the caller owns (it is not shut down by {@link
         * ClientTransport#close()}); it must serve NIO socket channels.
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
         * Whether HTTP/2 PINGs are answered (the default, and what a device must do: ccp-1.md §4.3
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
         * Binds every socket to this local address (an ephemeral port) before connecting: a
         * multi-homed host choosing its interface, or a load tool spreading many connections
         * over several loopback addresses so that one address's ephemeral ports do not run out.
         * Default: the system chooses.
         */
        public Builder localAddress(InetAddress address) {
            this.localAddress = Objects.requireNonNull(address, "address");
            return this;
        }

        /**
         * @throws IOException when a trusted or pinned certificate file cannot be read or parsed
         */
        public ClientTransport build() throws IOException {
            TrustManager pinned = pinningTrustManager();
            SslContext ssl = sslContext(protocols, pinned);
            // HTTP/1.1 alone: the further sockets of an H1Connection, and WebSocket links.
            SslContext http1Ssl = protocols.equals(List.of(Protocol.HTTP_1_1)) ? ssl
                    : sslContext(List.of(Protocol.HTTP_1_1), pinned);
            boolean owns = group == null;
            EventLoopGroup g = owns
                    ? new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("ccp-client-loop", true),
                            NioIoHandler.newFactory())
                    : group;
            return new ClientTransport(this, ssl, http1Ssl, g, owns);
        }

        /** The trust manager of a pin, or null for CA-based trust. */
        private TrustManager pinningTrustManager() throws IOException {
            switch (trust) {
                case PINNED_CERTIFICATE:
                    try {
                        return PinningTrustManager.certificate(CertificatePins.readCertificate(trustFile));
                    } catch (CertificateEncodingException e) {
                        throw new IOException("cannot encode the pinned certificate " + trustFile, e);
                    }
                case PINNED_PUBLIC_KEY:
                    return PinningTrustManager.publicKey(pin);
                case CA_FILE:
                    if (!Files.isReadable(trustFile)) {
                        throw new IOException("cannot read trusted certificates " + trustFile);
                    }
                    return null;
                default:
                    return null;
            }
        }

        private SslContext sslContext(List<Protocol> offered, TrustManager pinned) throws IOException {
            SslContextBuilder builder = SslContextBuilder.forClient()
                    .sslProvider(SslProvider.JDK)
                    .protocols("TLSv1.3")
                    .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            offered.stream().map(Protocol::alpnName).toList()));
            if (pinned != null) {
                // The pin is the whole decision: a host-name check would refuse what the pin accepts.
                builder.trustManager(pinned).endpointIdentificationAlgorithm(null);
            } else {
                builder.endpointIdentificationAlgorithm("HTTPS");
                if (trust == TrustKind.CA_FILE) {
                    builder.trustManager(trustFile.toFile());
                }
            }
            try {
                return builder.build();
            } catch (SSLException e) {
                throw new IOException("cannot build the TLS context: " + e.getMessage(), e);
            }
        }
    }
}
