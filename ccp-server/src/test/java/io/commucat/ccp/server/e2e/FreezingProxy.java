package io.commucat.ccp.server.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on {@code 127.0.0.1:<port>} to a real service that a test can freeze: while
 * frozen it accepts connections and reads what either side sends, but passes nothing on, so
 * the service looks alive at the TCP level and never answers (the hardest outage for a
 * client: no reset, no refusal, only silence). {@link #thaw()} lets the held bytes through.
 * {@link #blackHole()} is the same silence, but what was sent meanwhile is lost (packets that
 * vanish), and {@link #cut()} is a restart: every connection is reset and new ones are closed at
 * once; {@link #thaw()} ends either. Threads: one acceptor, two pumps per connection, all
 * daemons; {@link #close()} ends them.
 */
final class FreezingProxy implements AutoCloseable {

    private enum Mode {
        PASSING,
        FROZEN,
        BLACK_HOLE,
        CUT
    }

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Object gate = new Object();
    private Mode mode = Mode.PASSING;

    FreezingProxy(String targetHost, int targetPort) throws IOException {
        this.target = new InetSocketAddress(targetHost, targetPort);
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        daemon("proxy-accept", this::accept);
    }

    int port() {
        return listener.getLocalPort();
    }

    void freeze() {
        synchronized (gate) {
            mode = Mode.FROZEN;
        }
    }

    /** Silence, and what either side sends meanwhile is dropped. */
    void blackHole() {
        synchronized (gate) {
            mode = Mode.BLACK_HOLE;
        }
    }

    /** Every open connection is closed, and new ones are closed as soon as they are accepted. */
    void cut() {
        synchronized (gate) {
            mode = Mode.CUT;
        }
        sockets.forEach(FreezingProxy::closeQuietly);
        sockets.clear();
    }

    /** Passes bytes again (after {@link #freeze()}, the held ones first). */
    void thaw() {
        synchronized (gate) {
            mode = Mode.PASSING;
            gate.notifyAll();
        }
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                sockets.add(client);
                daemon("proxy-connect", () -> connect(client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void connect(Socket client) {
        try {
            Mode now;
            synchronized (gate) {
                // A new connection meets silence until the outage ends, then passes or is closed.
                while (mode == Mode.FROZEN || mode == Mode.BLACK_HOLE) {
                    gate.wait();
                }
                now = mode;
            }
            if (now == Mode.CUT) {
                closeQuietly(client);
                return;
            }
            Socket upstream = new Socket(target.getAddress(), target.getPort());
            sockets.add(upstream);
            daemon("proxy-up", () -> pump(client, upstream));
            daemon("proxy-down", () -> pump(upstream, client));
        } catch (IOException | InterruptedException e) {
            closeQuietly(client);
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (awaitThawed() == Mode.PASSING) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            }
        } catch (IOException | InterruptedException e) {
            // one side went away: the other follows
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    /** Waits while frozen; then the mode: passing, black hole (drop) or cut (close). */
    private Mode awaitThawed() throws InterruptedException {
        synchronized (gate) {
            while (mode == Mode.FROZEN) {
                gate.wait();
            }
            return mode;
        }
    }

    @Override
    public void close() {
        thaw();
        closeQuietly(listener);
        sockets.forEach(FreezingProxy::closeQuietly);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing anyway
        }
    }

    private static void daemon(String name, Runnable task) {
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        t.start();
    }
}
