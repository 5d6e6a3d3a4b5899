package io.commucat.ccp.server.http;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.ReferenceCountedOpenSslContext;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.internal.tcnative.SSL;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

/**
 * The listener's TLS context: TLS 1.3 only, ALPN {@code h2} then {@code http/1.1}, BoringSSL
 * (netty-tcnative) when it loads, else the JDK provider. Thread-safe static factory.
 */
public final class ServerTls {

    public static final String TLS_1_3 = "TLSv1.3";

    private ServerTls() {
    }

    /** From PEM files: the certificate chain and an unencrypted PKCS#8 key (the data directory's format). */
    public static SslContext forServer(Path certificateChain, Path privateKey) throws SSLException {
        return configure(SslContextBuilder.forServer(certificateChain.toFile(), privateKey.toFile()));
    }

    public static SslContext forServer(PrivateKey key, X509Certificate... chain) throws SSLException {
        return configure(SslContextBuilder.forServer(key, chain));
    }

    /** The provider this JVM will use: OpenSSL (BoringSSL) when it loads and speaks TLS 1.3, else JDK. */
    public static SslProvider preferredProvider() {
        return OpenSsl.isAvailable() && SslProvider.isTlsv13Supported(SslProvider.OPENSSL) ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    /** Whether a finished handshake resumed a session; {@code UNKNOWN} where the provider does not say (JDK). */
    public enum Resumption {
        FULL("false"),
        RESUMED("true"),
        UNKNOWN("unknown");

        private final String label;

        Resumption(String label) {
            this.label = label;
        }

        /** The {@code resumed} tag of {@code ccp_tls_handshakes_total}. */
        public String label() {
            return label;
        }
    }

    /** For an engine whose handshake has completed; call on its event loop. */
    public static Resumption resumption(SSLEngine engine) {
        if (engine instanceof ReferenceCountedOpenSslEngine openSsl) {
            // The engine's lock keeps the native SSL alive while we ask it (a close frees it under the same lock).
            synchronized (openSsl) {
                long ssl = openSsl.sslPointer();
                if (ssl == 0) {
                    return Resumption.UNKNOWN;
                }
                return SSL.isSessionReused(ssl) ? Resumption.RESUMED : Resumption.FULL;
            }
        }
        return Resumption.UNKNOWN;
    }

    /** Which provider built {@code context}. */
    public static SslProvider providerOf(SslContext context) {
        return context instanceof ReferenceCountedOpenSslContext ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    private static SslContext configure(SslContextBuilder builder) throws SSLException {
        return builder
                .sslProvider(preferredProvider())
                .protocols(TLS_1_3)
                .applicationProtocolConfig(new ApplicationProtocolConfig(
                        ApplicationProtocolConfig.Protocol.ALPN,
                        // Both providers support exactly this pair of failure behaviours.
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2,
                        ApplicationProtocolNames.HTTP_1_1))
                .build();
    }
}
