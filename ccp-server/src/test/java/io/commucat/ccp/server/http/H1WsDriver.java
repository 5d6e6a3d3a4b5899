package io.commucat.ccp.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/** RFC 6455 over HTTP/1.1 on a JDK TLS socket, the opening handshake written by hand. */
final class H1WsDriver implements WsDriver {

    static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    private static final int RECEIVE_BUFFER = 64 * 1024;

    final SSLSocket socket;
    final OutputStream out;
    final InputStream in;
    final String statusLine;
    private final Map<String, String> head = new HashMap<>();

    /** Sends {@code request} (the whole head, ending in a blank line) and reads the response head. */
    H1WsDriver(int port, String request) throws Exception {
        this(port, request, TestTls.jdkClient("TLSv1.3"));
    }

    /** @param tls the client's TLS context (e.g. trusting a node's development CA) */
    H1WsDriver(int port, String request, javax.net.ssl.SSLContext tls) throws Exception {
        // A small receive buffer, set before connecting as TCP wants: a client that does not read
        // holds the server back after little data, not after the kernel's autotuned maximum.
        Socket tcp = new Socket();
        tcp.setReceiveBufferSize(RECEIVE_BUFFER);
        tcp.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        socket = (SSLSocket) tls.getSocketFactory().createSocket(tcp, "127.0.0.1", port, true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setApplicationProtocols(new String[] {"http/1.1"});
        socket.setSSLParameters(parameters);
        socket.setSoTimeout(10_000);
        out = socket.getOutputStream();
        in = new java.io.BufferedInputStream(socket.getInputStream(), 64 * 1024);
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        statusLine = line();
        for (String h = line(); !h.isEmpty(); h = line()) {
            int colon = h.indexOf(':');
            head.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
    }

    /** A valid upgrade of {@code /connect} with {@code extraHeaders} (full lines, each ending in CRLF). */
    static H1WsDriver upgrade(int port, String extraHeaders) throws Exception {
        H1WsDriver driver = new H1WsDriver(port, request("GET", "13", extraHeaders));
        if (!driver.statusLine.startsWith("HTTP/1.1 101")) {
            driver.close();
            throw new IOException("upgrade refused: " + driver.statusLine);
        }
        return driver;
    }

    static String request(String method, String version, String extraHeaders) {
        return method + " /connect HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: " + version + "\r\n" + extraHeaders + "\r\n";
    }

    private String line() throws IOException {
        StringBuilder s = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("end of stream");
            }
            if (c != '\r') {
                s.append((char) c);
            }
        }
        return s.toString();
    }

    @Override
    public Map<String, String> head() {
        return head;
    }

    @Override
    public void send(byte[] wire) throws IOException {
        out.write(wire);
        out.flush();
    }

    @Override
    public WsWire.Frame next() throws IOException {
        return WsWire.read(in);
    }

    @Override
    public boolean awaitClosed() {
        try {
            while (in.read() >= 0) {
                // Whatever follows the Close is not ours to check here.
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset by the server: closed too
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a test socket
        }
    }
}
