package io.commucat.ccp.server.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Binary {@code /connect} over HTTP/1.1, written by hand on a JDK TLS socket: a chunked request
 * body up, a chunked response down, decoded as it arrives by one reader thread. Pausing stops
 * that thread's reads; the socket's small receive buffer then fills and TCP holds the server.
 */
final class H1ChunkedConnectClient extends QueuedConnectClient {

    /** Small, so a paused reader stops the server after little data (and before connect, as TCP wants). */
    private static final int RECEIVE_BUFFER = 64 * 1024;

    /** The TCP socket under TLS: closing it cuts at once, whatever thread is reading. */
    private final Socket tcp;
    private final SSLSocket socket;
    private final OutputStream out;
    private final CompletableFuture<Map<String, String>> head = new CompletableFuture<>();
    private final ReadPause pause = new ReadPause();
    private volatile boolean closed;

    private H1ChunkedConnectClient(Socket tcp, SSLSocket socket) throws IOException {
        this.tcp = tcp;
        this.socket = socket;
        this.out = socket.getOutputStream();
    }

    /** A new connection to {@code port} with a {@code POST /connect} in flight on it. */
    static H1ChunkedConnectClient open(int port) throws Exception {
        return open(port, "POST /connect HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n");
    }

    /**
     * A new connection to {@code port} with a bodiless {@code GET target} in flight on it (the
     * response of an SSE or long-poll {@code /connect}; the upload then goes by companion POSTs).
     */
    static H1ChunkedConnectClient get(int port, String target) throws Exception {
        return open(port, "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    }

    private static H1ChunkedConnectClient open(int port, String requestHead) throws Exception {
        Socket tcp = new Socket();
        try {
            tcp.setReceiveBufferSize(RECEIVE_BUFFER);
            tcp.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            SSLSocket socket = (SSLSocket) TestTls.jdkClient("TLSv1.3").getSocketFactory()
                    .createSocket(tcp, "127.0.0.1", port, true);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {"http/1.1"});
            socket.setSSLParameters(parameters);
            H1ChunkedConnectClient client = new H1ChunkedConnectClient(tcp, socket);
            client.write(requestHead.getBytes(StandardCharsets.US_ASCII));
            Thread reader = new Thread(client::readLoop, "test-h1-connect-reader");
            reader.setDaemon(true);
            reader.start();
            return client;
        } catch (Exception | Error e) {
            tcp.close();
            throw e;
        }
    }

    @Override
    public CompletableFuture<Map<String, String>> head() {
        return head;
    }

    /** One chunk; blocks while TCP pushes back. */
    @Override
    public void send(byte[] bytes) throws IOException {
        if (bytes.length == 0) {
            return; // a zero-size chunk would end the body
        }
        ByteArrayOutputStream chunk = new ByteArrayOutputStream(bytes.length + 16);
        chunk.writeBytes((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        chunk.writeBytes(bytes);
        chunk.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        write(chunk.toByteArray());
    }

    @Override
    public void endUpstream() throws IOException {
        write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    /** The connection goes away under the exchange. */
    @Override
    public void cut() throws IOException {
        closed = true;
        tcp.close();
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
        try {
            tcp.close();
        } catch (IOException e) {
            // Gone already.
        }
    }

    private void write(byte[] bytes) throws IOException {
        synchronized (out) {
            out.write(bytes);
            out.flush();
        }
    }

    private void readLoop() {
        ResponseDecoder decoder = new ResponseDecoder();
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = socket.getInputStream();
            while (!closed && !decoder.done()) {
                pause.awaitResumed(() -> closed);
                int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
                decoder.feed(buffer, n);
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // The connection is gone: the futures below say what arrived.
        }
        head.completeExceptionally(new IOException("no response head"));
    }

    /** The response head, then the chunked body, fed in whatever pieces TCP and TLS give. */
    private final class ResponseDecoder {
        private enum Part { HEAD, SIZE, DATA, DATA_END, TRAILER, DONE }

        private Part part = Part.HEAD;
        private final ByteArrayOutputStream text = new ByteArrayOutputStream();
        private int remaining;

        boolean done() {
            return part == Part.DONE;
        }

        void feed(byte[] bytes, int length) {
            int i = 0;
            while (i < length && part != Part.DONE) {
                if (part == Part.DATA) {
                    int n = Math.min(remaining, length - i);
                    downstream.add(Arrays.copyOfRange(bytes, i, i + n));
                    i += n;
                    remaining -= n;
                    if (remaining == 0) {
                        part = Part.DATA_END;
                    }
                    continue;
                }
                byte b = bytes[i++];
                text.write(b);
                if (b == '\n') {
                    line(text.toString(StandardCharsets.US_ASCII).trim());
                }
            }
        }

        /** A complete line of the head, a chunk size, a chunk's end or the trailer. */
        private void line(String line) {
            text.reset();
            switch (part) {
                case HEAD -> headLine(line);
                case SIZE -> {
                    int semicolon = line.indexOf(';');
                    int size = Integer.parseInt(semicolon < 0 ? line : line.substring(0, semicolon), 16);
                    remaining = size;
                    part = size == 0 ? Part.TRAILER : Part.DATA;
                }
                case DATA_END -> part = Part.SIZE;
                case TRAILER -> {
                    if (line.isEmpty()) {
                        part = Part.DONE;
                        ended.complete(null);
                    }
                }
                default -> throw new IllegalStateException(part.name());
            }
        }

        private final Map<String, String> fields = new HashMap<>();

        private void headLine(String line) {
            if (fields.isEmpty()) {
                fields.put(":status", line.split(" ")[1]); // HTTP/1.1 200 OK
            } else if (line.isEmpty()) {
                head.complete(Map.copyOf(fields));
                part = Part.SIZE;
            } else {
                int colon = line.indexOf(':');
                fields.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
    }
}
