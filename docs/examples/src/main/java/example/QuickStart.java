package example;

import io.commucat.ccp.client.CcpClient;
import io.commucat.ccp.client.CcpException;
import io.commucat.ccp.client.CcpSession;
import io.commucat.ccp.client.FileIdentityStore;
import io.commucat.ccp.client.IncomingMessage;
import io.commucat.ccp.client.SessionListener;
import io.commucat.ccp.client.StoredIdentity;
import io.commucat.ccp.client.Trust;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionException;

/**
 * A device on the CCP SDK in one file: it gets an identity (registering a new user the first
 * time, loading it from its file afterwards), connects, joins a channel, sends a message, prints
 * what arrives for a while and closes. Copy it and change what you need.
 *
 * <pre>
 * java example.QuickStart [SERVER [CA_PEM [IDENTITY_FILE [CHANNEL [PEER_DEVICE_ID ...]]]]]
 * </pre>
 *
 * Defaults: {@code https://localhost:8443}, {@code ccp-data/dev-ca.pem} (the development CA of
 * {@code ./ccp run}), {@code quickstart.json}, channel 42, no peers.
 */
public final class QuickStart {

    private QuickStart() {
    }

    public static void main(String[] args) throws InterruptedException {
        URI server = URI.create(args.length > 0 ? args[0] : "https://localhost:8443");
        Path ca = Path.of(args.length > 1 ? args[1] : "ccp-data/dev-ca.pem");
        Path identity = Path.of(args.length > 2 ? args[2] : "quickstart.json");
        long channel = args.length > 3 ? Long.parseLong(args[3]) : 42;
        List<String> peers = args.length > 4 ? Arrays.asList(args).subList(4, args.length) : List.of();
        try {
            run(server, ca, identity, channel, peers, Duration.ofSeconds(10));
        } catch (CompletionException e) {
            // Every SDK failure is a CcpException: kind() says what went wrong; a REFUSED one
            // carries the server's answer in status(), title(), detail() and retryAfter().
            if (e.getCause() instanceof CcpException failure) {
                System.err.println("failed: " + failure.kind() + ": " + failure.getMessage());
                System.exit(1);
            }
            throw e;
        }
    }

    /** Sends one message on {@code channel} (opened with {@code peers}) and prints what arrives for {@code listen}. */
    public static void run(URI server, Path ca, Path identity, long channel, List<String> peers, Duration listen)
            throws InterruptedException {
        // 1. One client per server and device identity. The identity is kept in a JSON file readable
        //    by its owner only; a platform key store implements IdentityStore instead.
        try (CcpClient client = CcpClient.builder(server)
                .trust(Trust.certificates(ca)) // Trust.systemStore() for a server with a public certificate
                .identityStore(new FileIdentityStore(identity))
                .build()) {

            // 2. The first run registers a new device of a new user (the server's auto-approval must
            //    allow it; else a device joins its user with a pairing code: client.pair(code)).
            //    Later runs load the stored identity. Every call returns a CompletableFuture.
            Optional<StoredIdentity> stored = client.identity().join();
            String deviceId = stored.isPresent() ? stored.get().deviceId()
                    : client.register("quickstart-" + UUID.randomUUID()).join().deviceId();
            System.out.println("device " + deviceId);

            // 3. A session. The listener hears what arrives in order, one call at a time, on the
            //    client's callback executor (never a network thread); a message is acknowledged to
            //    the server when onMessage returns, so one that throws comes again next time.
            CcpSession session = client.connect(new SessionListener() {
                @Override
                public void onMessage(IncomingMessage message) {
                    System.out.println("received on channel " + message.channel() + ": "
                            + new String(message.payload(), StandardCharsets.UTF_8));
                }

                @Override
                public void onClosed(CcpException failure) {
                    if (failure != null) {
                        System.out.println("session ended: " + failure.getMessage());
                    }
                }
            }).join();

            // 4. Open or join the channel, then send: each future completes on the server's Ack
            //    (the message is then queued for every other member) or fails with its Error.
            session.join(channel, peers).join();
            session.send(channel, "hello from QuickStart".getBytes(StandardCharsets.UTF_8)).join();
            System.out.println("sent on channel " + channel + "; listening for " + listen.toSeconds() + " s");
            Thread.sleep(listen.toMillis());

            // 5. Close: what already arrived is handed to the listener first.
            session.close();
            session.closed().join();
        }
    }
}
