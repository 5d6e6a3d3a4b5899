package io.commucat.ccp.bench.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The proxy's states, in front of a loopback echo server (real sockets). */
@Timeout(30)
class PostgresProxyTest {

    private ServerSocket echo;
    private PostgresProxy proxy;

    @BeforeEach
    void start() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread t = new Thread(() -> {
                        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                            in.transferTo(out);
                        } catch (IOException e) {
                            // Closed.
                        }
                    });
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    // Closed.
                }
            }
        });
        accept.setDaemon(true);
        accept.start();
        proxy = new PostgresProxy(new InetSocketAddress(InetAddress.getLoopbackAddress(), echo.getLocalPort()));
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        s.setSoTimeout(500);
        return s;
    }

    @Test
    void aBlockedProxyCarriesNothingAndDeliversWhatWaitedOnResume() throws IOException {
        try (Socket s = connect()) {
            proxy.block();
            s.getOutputStream().write('x');
            assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read());

            proxy.resume();
            s.setSoTimeout(5_000);
            assertEquals('x', s.getInputStream().read());
        }
    }

    @Test
    void aRestartedProxyCutsItsConnectionsAndRefusesNewOnesUntilResumed() throws IOException {
        try (Socket s = connect()) {
            s.getOutputStream().write('x');
            assertEquals('x', s.getInputStream().read());

            proxy.restart();
            assertEquals(-1, s.getInputStream().read());
            assertThrows(ConnectException.class, this::connect);
        }
        proxy.resume();
        try (Socket s = connect()) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write('y');
            assertEquals('y', s.getInputStream().read());
        }
    }
}
