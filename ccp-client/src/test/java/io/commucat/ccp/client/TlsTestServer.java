package io.commucat.ccp.client;

import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A bare TLS server on the JDK's own TLS stack with the test identity of {@code /tls} (a
 * certificate for {@code localhost} only): it records the ALPN protocols each client offers,
 * answers with what {@code choose} says ({@code ""} for no ALPN answer at all), and then reads
 * and drops whatever comes. Enough to see what the SDK's connector offers, accepts and refuses.
 */
final class TlsTestServer implements AutoCloseable {

    static final Path CERTIFICATE = resource("/tls/server.pem");
    static final Path KEY = resource("/tls/server-key.pem");
    /** {@link #CERTIFICATE}'s public-key pin, computed by openssl (see {@code /tls/README.md}). */
    static final String PUBLIC_KEY_PIN = "sha256/kqXdE33ke6oIK7d0lvM+UqGBf7J0c9m7xSwLM+em33w=";

    /** The protocols each client offered, in order of arrival. */
    final List<List<String>> offered = new CopyOnWriteArrayList<>();
    /** The address each client connected from, in order of arrival. */
    final List<InetSocketAddress> peers = new CopyOnWriteArrayList<>();
    private final Function<List<String>, String> choose;
    private final SSLServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "tls-test-server");
        thread.setDaemon(true);
        return thread;
    });

    TlsTestServer(Function<List<String>, String> choose) throws IOException {
        this.choose = choose;
        SSLContext context = ((JdkSslContext) SslContextBuilder.forServer(CERTIFICATE.toFile(), KEY.toFile())
                .sslProvider(SslProvider.JDK).build()).context();
        server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                SSLSocket socket = (SSLSocket) server.accept();
                peers.add((InetSocketAddress) socket.getRemoteSocketAddress());
                socket.setHandshakeApplicationProtocolSelector((s, protocols) -> {
                    offered.add(List.copyOf(protocols));
                    return choose.apply(protocols);
                });
                threads.execute(() -> serve(socket));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private static void serve(SSLSocket socket) {
        try (socket) {
            socket.startHandshake();
            socket.getInputStream().transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            // The client went away, or refused the handshake.
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }

    private static Path resource(String name) {
        try {
            return Path.of(TlsTestServer.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
