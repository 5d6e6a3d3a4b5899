package io.commucat.ccp.client.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link ClientTransport} that offers {@code h2} alone and hands out {@link H2Connection}s, for
 * tools and tests that use HTTP/2's details (streams of any request, PINGs, GOAWAY). The SDK
 * itself uses {@link ClientTransport}, which also falls back to HTTP/1.1. Immutable after
 * {@link Builder#build()}; thread-safe.
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
 * <p>Threads and TLS sessions as for {@link ClientTransport}: without {@link
 * Builder#eventLoopGroup} the transport makes its own group (daemon threads {@code
 * ccp-client-loop-*}) and {@link #close()} shuts it down; a supplied group is shared, never shut
 * down here, and must serve NIO socket channels (a {@link MultiThreadIoEventLoopGroup} with {@link
 * NioIoHandler}). A load generator shares one group across many transports and connections. Keep
 * one transport per server: a reconnect through it resumes the last TLS session.
 */
public final class H2Transport implements AutoCloseable {

    private final ClientTransport transport;

    private H2Transport(ClientTransport transport) {
        this.transport = transport;
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
        return transport.connect().thenApply(H2Connection.class::cast);
    }

    /** Shuts the event loop group down if this transport made it (closing its connections). */
    @Override
    public void close() {
        transport.close();
    }

    /** Configures an {@link H2Transport}. Not thread-safe. */
    public static final class Builder {
        private final ClientTransport.Builder builder;

        private Builder(String host, int port) {
            this.builder = ClientTransport.builder(host, port).protocols(ClientConnection.Protocol.HTTP_2);
        }

        /** Trusts only the CA certificates in this PEM file (e.g. the server's {@code dev-ca.pem}). */
        public Builder trustCertificates(Path pemFile) {
            builder.trustCertificates(pemFile);
            return this;
        }

        /** Trusts the JDK's default trust store (the default). */
        public Builder trustSystemStore() {
            builder.trustSystemStore();
            return this;
        }

        /** The {@code :authority} sent; default {@code host:port}. */
        public Builder authority(String authority) {
            builder.authority(authority);
            return this;
        }

        /**
         * Runs connections on {@code group}, which the caller owns (it is not shut down by {@link
         * H2Transport#close()}); it must serve NIO socket channels.
         */
        public Builder eventLoopGroup(EventLoopGroup group) {
            builder.eventLoopGroup(group);
            return this;
        }

        /** Threads of the group the transport makes when none is supplied; default 1. */
        public Builder threads(int threads) {
            builder.threads(threads);
            return this;
        }

        /**
         * Whether PINGs are answered (the default, and what a device must do: ccp-1.md §4.3
         * closes a connection that does not). Off only to test a server's liveness check.
         */
        public Builder autoAckPings(boolean autoAck) {
            builder.autoAckPings(autoAck);
            return this;
        }

        /** TCP connect and TLS handshake timeout each; default 10 s. */
        public Builder connectTimeout(Duration timeout) {
            builder.connectTimeout(timeout);
            return this;
        }

        /**
         * @throws IOException when the trusted certificate file cannot be read or parsed
         */
        public H2Transport build() throws IOException {
            return new H2Transport(builder.build());
        }
    }
}
