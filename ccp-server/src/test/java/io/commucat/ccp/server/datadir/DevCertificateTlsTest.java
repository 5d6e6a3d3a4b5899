package io.commucat.ccp.server.datadir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.server.config.ConfigLoader;
import io.commucat.ccp.server.config.FlagOverride;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated files load into both Netty TLS engines and complete a TLS 1.3 handshake. */
class DevCertificateTlsTest {

    @TempDir
    Path data;

    @BeforeEach
    void prepare() throws Exception {
        new DataDirectoryBootstrap().prepare(new ConfigLoader(Map.of(), w -> { }).load(Optional.empty(),
                List.of(new FlagOverride("server.data_dir", "--data", data.toString()))));
    }

    @Test
    void jdkEngineCompletesTls13Handshake() throws Exception {
        assertEquals("TLSv1.3", handshake(SslProvider.JDK));
    }

    @Test
    void openSslEngineCompletesTls13Handshake() throws Exception {
        // The build ships BoringSSL for linux-x86_64; production uses it, so it must load here.
        assertTrue(OpenSsl.isAvailable(), "netty-tcnative does not load: " + OpenSsl.unavailabilityCause());
        assertEquals("TLSv1.3", handshake(SslProvider.OPENSSL));
    }

    private String handshake(SslProvider serverProvider) throws Exception {
        SslContext server = SslContextBuilder.forServer(data.resolve(DataDirectory.TLS_CERT).toFile(),
                data.resolve(DataDirectory.TLS_KEY).toFile()).sslProvider(serverProvider).protocols("TLSv1.3").build();
        SslContext client = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                .trustManager(data.resolve(DataDirectory.DEV_CA_CERT).toFile()).protocols("TLSv1.3").build();
        SSLEngine s = server.newEngine(ByteBufAllocator.DEFAULT);
        SSLEngine c = client.newEngine(ByteBufAllocator.DEFAULT, "localhost", 8443);
        var parameters = c.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS"); // checks the SAN for localhost
        c.setSSLParameters(parameters);
        c.beginHandshake();
        s.beginHandshake();
        ByteBuffer toServer = ByteBuffer.allocate(1 << 16);
        ByteBuffer toClient = ByteBuffer.allocate(1 << 16);
        ByteBuffer sink = ByteBuffer.allocate(1 << 16);
        ByteBuffer empty = ByteBuffer.allocate(0);
        for (int round = 0; round < 50 && !(done(c) && done(s)); round++) {
            step(c, empty, toServer, toClient, sink);
            step(s, empty, toClient, toServer, sink);
        }
        assertEquals(true, done(c) && done(s), "handshake did not finish");
        return c.getSession().getProtocol();
    }

    private static boolean done(SSLEngine e) {
        HandshakeStatus h = e.getHandshakeStatus();
        return h == HandshakeStatus.NOT_HANDSHAKING || h == HandshakeStatus.FINISHED;
    }

    /** Lets {@code e} read what the peer wrote ({@code in}) and write to the peer ({@code out}). */
    private static void step(SSLEngine e, ByteBuffer empty, ByteBuffer out, ByteBuffer in, ByteBuffer sink) throws Exception {
        in.flip();
        while (in.hasRemaining()) {
            int before = in.remaining();
            e.unwrap(in, sink);
            runTasks(e);
            if (in.remaining() == before) {
                break;
            }
        }
        in.compact();
        if (e.getHandshakeStatus() == HandshakeStatus.NEED_UNWRAP) {
            // The OpenSSL engine notices a finished handshake only on its next call.
            e.wrap(empty, out);
            runTasks(e);
        }
        for (int i = 0; i < 4 && e.getHandshakeStatus() == HandshakeStatus.NEED_WRAP; i++) {
            e.wrap(empty, out);
            runTasks(e);
        }
        sink.clear();
    }

    private static void runTasks(SSLEngine e) {
        Runnable task;
        while ((task = e.getDelegatedTask()) != null) {
            task.run();
        }
    }
}
