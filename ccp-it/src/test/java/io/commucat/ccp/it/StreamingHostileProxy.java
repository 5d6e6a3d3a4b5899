package io.commucat.ccp.it;

import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A TLS-terminating HTTP/1.1 proxy (no ALPN, like {@link AlpnStrippingProxy}) that cannot carry
 * a streaming {@code POST /connect}, in one of two ways ({@link Behaviour}), while it passes
 * everything else, WebSocket upgrades included: the network the SDK's WebSocket fallback is for.
 * Every request head is inspected, also on a kept-alive connection.
 * {@link #cut()} closes every relayed connection. Real sockets, the JDK's TLS on both sides.
 */
final class StreamingHostileProxy implements AutoCloseable {

    /** What the proxy does with a streaming {@code POST /connect}. */
    enum Behaviour {
        /** Reads the request body and forwards nothing until it ends, which it never does: the device hears nothing. */
        BUFFER_BODY,
        /** Answers 405 at once. */
        REFUSE
    }

    private static final int MAX_HEAD = 16 * 1024;

    private final SSLServerSocket listener;
    private final SSLContext upstream;
    private final int nodePort;
    private final Behaviour behaviour;
    /** Streaming /connect requests held or refused. */
    final AtomicInteger streamingConnects = new AtomicInteger();
    /** WebSocket upgrades passed to the node. */
    final AtomicInteger upgrades = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "streaming-hostile-proxy");
        thread.setDaemon(true);
        return thread;
    });

    StreamingHostileProxy(TestServer node, Behaviour behaviour) throws IOException {
        this.nodePort = node.port();
        this.behaviour = behaviour;
        SSLContext downstream = ((JdkSslContext) SslContextBuilder.forServer(node.tlsCertificate().toFile(),
                node.tlsKey().toFile()).sslProvider(SslProvider.JDK).build()).context();
        this.upstream = ((JdkSslContext) SslContextBuilder.forClient().trustManager(node.devCa().toFile())
                .sslProvider(SslProvider.JDK).build()).context();
        this.listener = (SSLServerSocket) downstream.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::accept);
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Closes every relayed connection now; new ones are relayed again. */
    void cut() {
        sockets.forEach(StreamingHostileProxy::close);
        sockets.clear();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                SSLSocket client = (SSLSocket) listener.accept();
                sockets.add(client);
                threads.execute(() -> relay(client));
            } catch (IOException | RejectedExecutionException e) {
                return; // closed
            }
        }
    }

    /**
     * Reads the client's requests one by one (the SDK does not pipeline): a REST request is
     * forwarded with its {@code content-length} body, an upgrade is forwarded and the connection
     * becomes a plain relay, a streaming {@code /connect} is refused or held. Responses are
     * copied back as they come.
     */
    private void relay(SSLSocket client) {
        SSLSocket node = null;
        try {
            InputStream in = client.getInputStream();
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return; // the client is done with this connection
                }
                String lower = head.toLowerCase(Locale.ROOT);
                boolean upgrade = lower.contains("\nupgrade: websocket");
                if (lower.startsWith("post /connect") && !upgrade) {
                    holdOrRefuse(client, in);
                    return;
                }
                if (node == null) {
                    node = dialNode();
                    SSLSocket from = node;
                    threads.execute(() -> copy(from, client));
                }
                OutputStream out = node.getOutputStream();
                out.write(head.getBytes(StandardCharsets.ISO_8859_1));
                if (upgrade) {
                    upgrades.incrementAndGet();
                    out.flush();
                    copy(client, node);
                    return;
                }
                out.write(in.readNBytes(contentLength(lower)));
                out.flush();
            }
        } catch (IOException | RejectedExecutionException e) {
            // A side went away.
        } finally {
            close(client);
            if (node != null) {
                close(node);
            }
        }
    }

    private void holdOrRefuse(SSLSocket client, InputStream in) throws IOException {
        streamingConnects.incrementAndGet();
        if (behaviour == Behaviour.BUFFER_BODY) {
            in.transferTo(OutputStream.nullOutputStream()); // waits for an end that never comes
            return;
        }
        byte[] body = "{\"type\":\"about:blank\",\"title\":\"MethodNotAllowed\",\"status\":405}"
                .getBytes(StandardCharsets.US_ASCII);
        OutputStream out = client.getOutputStream();
        out.write(("HTTP/1.1 405 Method Not Allowed\r\ncontent-type: application/problem+json\r\n"
                + "content-length: " + body.length + "\r\nconnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    private SSLSocket dialNode() throws IOException {
        SSLSocket node = (SSLSocket) upstream.getSocketFactory().createSocket("127.0.0.1", nodePort);
        sockets.add(node);
        SSLParameters parameters = node.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        node.setSSLParameters(parameters);
        return node;
    }

    private static int contentLength(String lowerHead) {
        for (String line : lowerHead.split("\r\n")) {
            if (line.startsWith("content-length:")) {
                return Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        return 0;
    }

    /** The request head up to and including its blank line, bounded; null at the end of the stream. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (head.size() < MAX_HEAD) {
            int c = in.read();
            if (c < 0) {
                if (head.size() == 0) {
                    return null;
                }
                throw new IOException("end of stream in a request head");
            }
            head.write(c);
            matched = (c == "\r\n\r\n".charAt(matched)) ? matched + 1 : (c == '\r' ? 1 : 0);
            if (matched == 4) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
        throw new IOException("request head too large");
    }

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
        cut();
        threads.shutdownNow();
    }
}
