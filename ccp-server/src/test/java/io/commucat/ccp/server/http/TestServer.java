package io.commucat.ccp.server.http;

import io.commucat.ccp.server.config.BindAddress;
import io.commucat.ccp.server.config.ServerConfig.HttpLimits;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.function.Consumer;

/** A real {@link CcpServer} on 127.0.0.1, an ephemeral port, test TLS and small limits. */
final class TestServer implements AutoCloseable {

    // Short enough for quick liveness tests, long enough that a busy CI machine does not starve a
    // client event loop past two intervals and lose an unrelated test's connection.
    static final Duration PING = Duration.ofMillis(500);
    static final int MAX_STREAMS = 4;
    static final int MAX_RST = 20;
    static final int CONNECTION_WINDOW = 1_048_576;

    final EchoHandler echo;
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final CcpServer server;

    TestServer() throws Exception {
        this(new EchoHandler(), b -> { });
    }

    TestServer(EchoHandler echo, Consumer<CcpServer.Builder> customize) throws Exception {
        this.echo = echo;
        CcpServer.Builder builder = CcpServer.builder()
                .bind(new BindAddress("127.0.0.1", 0))
                .httpLimits(limits())
                .sslContext(TestTls.server())
                .connectHandler(echo)
                .meterRegistry(registry)
                .keepaliveInterval(PING)
                .drainTimeout(Duration.ofSeconds(3))
                .eventLoopThreads(2)
                .version("test");
        customize.accept(builder);
        server = builder.build().start();
    }

    static HttpLimits limits() {
        return new HttpLimits(MAX_STREAMS, 16_384, 16_384, 65_535, CONNECTION_WINDOW, MAX_RST, Duration.ofSeconds(30), 1_048_576,
                Duration.ofSeconds(5));
    }

    int port() {
        return server.port();
    }

    URI uri(String path) {
        return URI.create("https://127.0.0.1:" + port() + path);
    }

    @Override
    public void close() {
        server.shutdown();
    }
}
