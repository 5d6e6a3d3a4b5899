package io.commucat.ccp.bench.soak;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on loopback in front of PostgreSQL, so the soak can make the database go away
 * without touching the shared server. Three states, an explicit state machine:
 * <ul>
 *   <li>{@code FORWARDING}: bytes flow.</li>
 *   <li>{@code BLACK_HOLE} ({@link #block()}): connections stay open and new ones are accepted,
 *       but nothing is carried either way; the bytes wait in the proxy and go on at {@link
 *       #resume()} (a network partition that heals; TCP loses nothing).</li>
 *   <li>{@code REFUSING} ({@link #restart()}): every connection is cut and the port is closed
 *       (clients get "connection refused"), which is what clients see of a server restart;
 *       {@link #resume()} listens again on the same port.</li>
 * </ul>
 */
final class PostgresProxy implements AutoCloseable {

    enum State { FORWARDING, BLACK_HOLE, REFUSING, CLOSED }

    private final InetSocketAddress target;
    private final int port;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Object lock = new Object();
    // Guarded by lock:
    private State state = State.FORWARDING;
    private ServerSocket listener;

    PostgresProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        this.listener = listen(0);
        this.port = listener.getLocalPort();
        acceptOn(listener);
    }

    int port() {
        return port;
    }

    State state() {
        synchronized (lock) {
            return state;
        }
    }

    /** Holds every connection, old and new, carrying nothing until {@link #resume()}. */
    void block() {
        synchronized (lock) {
            require(State.FORWARDING);
            state = State.BLACK_HOLE;
        }
    }

    /** Cuts every connection and stops listening until {@link #resume()}. */
    void restart() {
        synchronized (lock) {
            require(State.FORWARDING);
            state = State.REFUSING;
            Pipe.closeQuietly(listener);
            listener = null;
        }
        cutAll();
    }

    /** Back to forwarding: held bytes flow on, or the port listens again. */
    void resume() throws IOException {
        synchronized (lock) {
            if (state == State.REFUSING) {
                listener = listen(port);
                acceptOn(listener);
            } else {
                require(State.BLACK_HOLE);
            }
            state = State.FORWARDING;
            lock.notifyAll();
        }
    }

    private void require(State expected) {
        if (state != expected) {
            throw new IllegalStateException("the proxy is " + state + ", not " + expected);
        }
    }

    private final Pipe.Gate gate = () -> {
        synchronized (lock) {
            while (state == State.BLACK_HOLE) {
                lock.wait();
            }
        }
    };

    private static ServerSocket listen(int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 100);
        return socket;
    }

    private void acceptOn(ServerSocket socket) {
        Thread accept = new Thread(() -> {
            while (!socket.isClosed()) {
                try {
                    Socket client = socket.accept();
                    Socket server = new Socket();
                    server.connect(target, 5_000);
                    sockets.add(client);
                    sockets.add(server);
                    Pipe.splice(client, server, gate, () -> {
                        sockets.remove(client);
                        sockets.remove(server);
                    }, "pg-proxy");
                } catch (IOException e) {
                    // The listener closed, or PostgreSQL refused: the client sees its connection close.
                }
            }
        }, "pg-proxy-accept");
        accept.setDaemon(true);
        accept.start();
    }

    private void cutAll() {
        for (Socket socket : sockets) {
            Pipe.closeQuietly(socket);
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            state = State.CLOSED;
            if (listener != null) {
                Pipe.closeQuietly(listener);
                listener = null;
            }
            lock.notifyAll();
        }
        cutAll();
    }
}
