package io.commucat.ccp.bench.soak;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/**
 * Carries bytes both ways between two connected sockets, a thread per direction, until either
 * side closes; then closes both. Before writing, each direction passes the {@link Gate}: a closed
 * gate holds the bytes already read (nothing is dropped), as a link that stopped carrying
 * packets would, and they go on when it opens.
 */
final class Pipe {

    /** Whether bytes may flow now; {@link #await()} blocks while they may not. */
    interface Gate {
        Gate OPEN = () -> { };

        void await() throws InterruptedException;
    }

    private Pipe() {
    }

    /** Starts the two directions; {@code onClose} runs once both sockets are closed. */
    static void splice(Socket a, Socket b, Gate gate, Runnable onClose, String name) {
        Runnable closeBoth = new Runnable() {
            private boolean done;

            @Override
            public synchronized void run() {
                if (done) {
                    return;
                }
                done = true;
                closeQuietly(a);
                closeQuietly(b);
                onClose.run();
            }
        };
        start(a, b, gate, closeBoth, name + "-up");
        start(b, a, gate, closeBoth, name + "-down");
    }

    private static void start(Socket from, Socket to, Gate gate, Runnable closeBoth, String name) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    gate.await();
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // One side closed, or was cut.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                closeBoth.run();
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // Closing anyway.
        }
    }
}
