package io.commucat.ccp.it;

import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A TLS-terminating proxy in front of a node that knows nothing of ALPN, as some corporate
 * proxies and load balancers: it accepts TLS with the node's own certificate and answers no
 * ALPN protocol, whatever the client offers, and opens its own TLS connection to the node
 * offering none either (so the node speaks HTTP/1.1, ccp-1.md §1), then copies bytes both ways.
 * Real sockets, the JDK's TLS on both sides.
 */
final class AlpnStrippingProxy implements AutoCloseable {

    private final SSLServerSocket listener;
    private final SSLContext upstream;
    private final int nodePort;
    /** Connections the proxy accepted from clients. */
    final AtomicInteger accepted = new AtomicInteger();
    private final ExecutorService threads = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "alpn-stripping-proxy");
        thread.setDaemon(true);
        return thread;
    });

    AlpnStrippingProxy(TestServer node) throws IOException {
        this(node.tlsCertificate(), node.tlsKey(), node.devCa(), node.port());
    }

    private AlpnStrippingProxy(Path certificate, Path key, Path ca, int nodePort) throws IOException {
        this.nodePort = nodePort;
        SSLContext downstream = ((JdkSslContext) SslContextBuilder.forServer(certificate.toFile(), key.toFile())
                .sslProvider(SslProvider.JDK).build()).context();
        this.upstream = ((JdkSslContext) SslContextBuilder.forClient().trustManager(ca.toFile())
                .sslProvider(SslProvider.JDK).build()).context();
        this.listener = (SSLServerSocket) downstream.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::accept);
    }

    int port() {
        return listener.getLocalPort();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                SSLSocket client = (SSLSocket) listener.accept();
                accepted.incrementAndGet();
                threads.execute(() -> relay(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void relay(SSLSocket client) {
        try {
            client.startHandshake(); // no application protocols set: no ALPN answer
            SSLSocket node = (SSLSocket) upstream.getSocketFactory().createSocket("127.0.0.1", nodePort);
            SSLParameters parameters = node.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            node.setSSLParameters(parameters);
            try {
                node.startHandshake();
                threads.execute(() -> copy(node, client));
            } catch (IOException | RejectedExecutionException e) {
                close(node);
                throw new IOException("the proxy is closing", e);
            }
            copy(client, node);
        } catch (IOException e) {
            close(client);
        }
    }

    /** Copies until either side ends, then closes both (HTTP/1.1 needs no half-close here). */
    private static void copy(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            byte[] buffer = new byte[16 * 1024];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // One side went away.
        } finally {
            close(from);
            close(to);
        }
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Closing anyway.
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        threads.shutdownNow();
    }
}
