package io.commucat.ccp.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay between clients and a server on loopback, for breaking links on purpose:
 * {@link #cut()} closes every relayed connection (the peers see the sockets close), {@link
 * #freeze()} keeps them open but carries nothing more (a link that died silently). Real sockets;
 * TLS passes through untouched.
 */
final class LinkProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final int target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean frozen;

    LinkProxy(int target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::accept, "link-proxy-accept");
        accept.setDaemon(true);
        accept.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Closes every relayed connection now; new ones are relayed again. */
    void cut() {
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException e) {
                // Closing anyway.
            }
        }
        sockets.clear();
    }

    /** Stops carrying bytes on every connection, without closing any; new connections are cut at once. */
    void freeze() {
        frozen = true;
    }

    /** Carries bytes again (connections frozen before stay silent: their bytes were dropped). */
    void thaw() {
        frozen = false;
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                if (frozen) {
                    client.close();
                    continue;
                }
                Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
                sockets.add(client);
                sockets.add(server);
                pump(client, server);
                pump(server, client);
            } catch (IOException e) {
                // Listener closed, or the server is down: the client sees its connection close.
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (!frozen) {
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // One side closed.
            } finally {
                try {
                    from.close();
                    to.close();
                } catch (IOException e) {
                    // Closing anyway.
                }
            }
        }, "link-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        cut();
    }
}
