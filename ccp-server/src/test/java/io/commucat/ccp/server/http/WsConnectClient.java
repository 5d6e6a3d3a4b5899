package io.commucat.ccp.server.http;

import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * WebSocket {@code /connect} as a {@link ConnectClient}, over a {@link WsDriver} (RFC 6455 on
 * HTTP/1.1 or RFC 8441 on HTTP/2): each piece goes up as one masked binary message, the payload
 * of the server's data messages comes down. One reader thread takes the server's frames one at
 * a time, so pausing it leaves them in the socket (HTTP/1.1) or the stream's window (HTTP/2,
 * whose driver reads only when asked). It answers the server's Close as a client must, and that
 * Close is the end of the response. Ending the upload is the client's own Close: WebSocket has
 * no half-close.
 *
 * <p>Threading: {@link #send}, {@link #endUpstream} and the reader's answer to a Close are
 * serialised on one lock, so frames never interleave on the wire.
 */
final class WsConnectClient extends QueuedConnectClient {

    private final WsDriver driver;
    private final ThrowingRunnable cut;
    private final CompletableFuture<Map<String, String>> head = new CompletableFuture<>();
    /** The code of the server's Close, once it came. */
    final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final Object writeLock = new Object();
    private final ReadPause pause = new ReadPause();
    private volatile boolean closed;

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    private WsConnectClient(WsDriver driver, String status, ThrowingRunnable cut) {
        this.driver = driver;
        this.cut = cut;
        Map<String, String> fields = new HashMap<>(driver.head());
        fields.put(":status", status);
        head.complete(Map.copyOf(fields));
        Thread reader = new Thread(this::readLoop, "test-ws-connect-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** An RFC 6455 upgrade of {@code /connect} on a new HTTP/1.1 connection. */
    static WsConnectClient overHttp1(int port) throws Exception {
        H1WsDriver driver = H1WsDriver.upgrade(port, "");
        driver.socket.setSoTimeout(0); // the reader waits as long as the test lets it
        return new WsConnectClient(driver, driver.statusLine.split(" ")[1], driver.socket::close);
    }

    /** An RFC 8441 extended CONNECT of {@code /connect} on a new HTTP/2 connection. */
    static WsConnectClient overHttp2(int port) throws Exception {
        H2WsDriver driver = new H2WsDriver(port, Map.of());
        driver.readWaitSeconds = 3600; // the reader waits as long as the test lets it
        String status = driver.status();
        return new WsConnectClient(driver, status,
                () -> driver.channel.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL)).sync());
    }

    @Override
    public CompletableFuture<Map<String, String>> head() {
        return head;
    }

    /** One binary message; blocks while TCP or the stream's window pushes back. */
    @Override
    public void send(byte[] bytes) throws IOException {
        synchronized (writeLock) {
            driver.send(WsWire.binary(bytes));
        }
    }

    /** The client's Close (on HTTP/2 followed by the end of the request). */
    @Override
    public void endUpstream() {
        synchronized (writeLock) {
            driver.answerClose();
        }
    }

    /** The connection (HTTP/1.1) or the stream (HTTP/2: RST_STREAM CANCEL) goes away without a Close. */
    @Override
    public void cut() throws Exception {
        closed = true;
        cut.run();
    }

    @Override
    public void pauseReading() {
        pause.pause();
    }

    @Override
    public void resumeReading() {
        pause.resume();
    }

    @Override
    public void close() {
        closed = true;
        resumeReading();
        driver.close();
    }

    private void readLoop() {
        try {
            while (!closed) {
                pause.awaitResumed(() -> closed);
                WsWire.Frame frame = driver.next();
                switch (frame.opcode()) {
                    case WsWire.BINARY, WsWire.CONTINUATION -> {
                        if (frame.payload().length > 0) {
                            downstream.add(frame.payload());
                        }
                    }
                    case WsWire.CLOSE -> {
                        closeCode.complete(frame.closeCode());
                        synchronized (writeLock) {
                            driver.answerClose();
                        }
                        ended.complete(null);
                        return;
                    }
                    default -> {
                        // A Pong or anything else carries no downstream bytes.
                    }
                }
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // The connection is gone without a Close: ended() stays incomplete.
        }
    }
}
