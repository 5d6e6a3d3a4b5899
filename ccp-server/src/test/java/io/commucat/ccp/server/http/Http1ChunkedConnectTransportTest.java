package io.commucat.ccp.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Binary {@code /connect} over HTTP/1.1 with chunked bodies both ways (ccp-1.md §1.2). */
class Http1ChunkedConnectTransportTest extends AbstractConnectTransportTest {

    @Override
    protected ConnectClient connect(int port) throws Exception {
        return H1ChunkedConnectClient.open(port);
    }

    /**
     * TCP holds the echo only once the server's socket send buffer is full, and Linux autotunes
     * that up to the maximum of {@code net.ipv4.tcp_wmem}: that much, plus the windows.
     */
    @Override
    protected long maxReadWhileBehind() {
        return kernelSendBufferMax() + 2L * 1024 * 1024;
    }

    /** The most the kernel's autotuning gives a socket's send buffer ({@code net.ipv4.tcp_wmem}). */
    static long kernelSendBufferMax() {
        return kernelBufferMax("tcp_wmem");
    }

    private static long kernelBufferMax(String name) {
        try {
            String[] values = Files.readString(Path.of("/proc/sys/net/ipv4/" + name)).trim().split("\\s+");
            return Long.parseLong(values[2]);
        } catch (IOException | RuntimeException e) {
            return 8L * 1024 * 1024; // more than Linux's default maxima (4 MiB send, 6 MiB receive)
        }
    }

    @Override
    protected String mode() {
        return "binary";
    }

    @Override
    protected String contentType() {
        return "application/octet-stream";
    }

    @Test
    void theResponseBodyIsChunked() throws Exception {
        try (ConnectClient client = connect(server().port())) {
            assertEquals("chunked", client.head().get(10, TimeUnit.SECONDS).get("transfer-encoding"));
        }
    }
}
