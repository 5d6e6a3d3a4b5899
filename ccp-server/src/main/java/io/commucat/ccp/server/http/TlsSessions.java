package io.commucat.ccp.server.http;

import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.OpenSslSessionTicketKey;
import io.netty.handler.ssl.SslContext;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS 1.3 session resumption for the listener: a device that reconnects presents the ticket
 * of its last session and skips the certificate and its signature (a PSK handshake, still with
 * a fresh ECDHE, so resumed sessions keep forward secrecy).
 *
 * <p>OpenSSL (BoringSSL) provider: Netty leaves tickets off; they are turned on here with our
 * own keys (16-byte name, HMAC and AES keys from {@link SecureRandom}). A new key takes over
 * every {@code rotation}; the older ones stay for decryption only, and are dropped once every
 * ticket they sealed has outlived {@code sessionTimeout}, so a stolen key opens no ticket for
 * long. JDK provider: its stateless tickets are on by default in JDK 17 and it rotates its own
 * key hourly ({@code jdk.tls.server.statelessKeyTimeout}); only the session timeout is set.
 *
 * <p>Keys are per node: a device that reconnects to another node makes a full handshake.
 * Threading: one daemon thread ({@code ccp-tls-tickets}) rotates; {@link #close()} stops it.
 */
public final class TlsSessions implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TlsSessions.class);

    private final OpenSslSessionContext openSsl;
    private final SecureRandom random;
    private final int keysKept;
    private final Deque<OpenSslSessionTicketKey> keys = new ArrayDeque<>();
    private final ScheduledExecutorService rotator;

    private TlsSessions(OpenSslSessionContext openSsl, SecureRandom random, int keysKept, Duration rotation) {
        this.openSsl = openSsl;
        this.random = random;
        this.keysKept = keysKept;
        if (openSsl == null) {
            rotator = null;
            return;
        }
        rotate();
        rotator = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ccp-tls-tickets");
            t.setDaemon(true);
            return t;
        });
        rotator.scheduleAtFixedRate(this::rotate, rotation.toMillis(), rotation.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Turns resumption on for {@code context} (a server context from {@link ServerTls}); {@link
     * CcpServer} does this for its listener, benchmarks for their bare ones.
     */
    public static TlsSessions start(SslContext context, Duration sessionTimeout, Duration rotation, SecureRandom random) {
        context.sessionContext().setSessionTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, sessionTimeout.toSeconds())));
        // The newest key plus every key that sealed a ticket still inside its lifetime.
        int kept = (int) Math.min(64, 1 + (sessionTimeout.toMillis() + rotation.toMillis() - 1) / rotation.toMillis());
        OpenSslSessionContext openSsl = context.sessionContext() instanceof OpenSslSessionContext o ? o : null;
        return new TlsSessions(openSsl, random, kept, rotation);
    }

    /** Ticket keys in use, newest first (OpenSSL provider; 0 on the JDK provider). */
    synchronized int keys() {
        return keys.size();
    }

    /** A new key seals new tickets from now on; the oldest beyond {@code keysKept} is forgotten. */
    synchronized void rotate() {
        keys.addFirst(new OpenSslSessionTicketKey(bytes(OpenSslSessionTicketKey.NAME_SIZE),
                bytes(OpenSslSessionTicketKey.HMAC_KEY_SIZE), bytes(OpenSslSessionTicketKey.AES_KEY_SIZE)));
        while (keys.size() > keysKept) {
            keys.removeLast();
        }
        try {
            // The first key encrypts; all of them decrypt (a ticket under an older one is renewed).
            openSsl.setTicketKeys(keys.toArray(OpenSslSessionTicketKey[]::new));
            LOG.debug("TLS session ticket key rotated ({} kept)", keys.size());
        } catch (RuntimeException e) {
            LOG.warn("TLS session ticket key rotation failed: {}", e.toString());
        }
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** Stops the rotation (the keys in use stay). */
    @Override
    public void close() {
        if (rotator != null) {
            rotator.shutdownNow();
        }
    }
}
