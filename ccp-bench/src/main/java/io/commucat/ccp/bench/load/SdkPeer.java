package io.commucat.ccp.bench.load;

import io.commucat.ccp.client.CcpClient;
import io.commucat.ccp.client.CcpSession;
import io.commucat.ccp.client.IdentityStore;
import io.commucat.ccp.client.IncomingMessage;
import io.commucat.ccp.client.SessionListener;
import io.commucat.ccp.client.Trust;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The Java SDK device of {@code ccp-js/bench/browser-modes.mjs}: it claims a pairing code of the
 * script's user, joins one channel with the script's device and then obeys commands on stdin.
 *
 * <pre>
 * java -cp ccp-bench/target/benchmarks.jar io.commucat.ccp.bench.load.SdkPeer URL CA_PEM CODE CHANNEL PEER_DEVICE_ID
 *   stdout: READY &lt;deviceId&gt;           once connected and joined
 *           R &lt;recvMicros&gt; &lt;payload&gt;  per message received (payload is the sender's "tag seq sendMicros")
 *           SENT &lt;tag&gt;                 when every message of a SEND was acknowledged
 *   stdin:  SEND &lt;tag&gt; &lt;count&gt; &lt;ratePerSecond, 0 = closed loop&gt; &lt;window&gt;
 *           QUIT
 * </pre>
 *
 * Times are microseconds since the epoch on this machine's clock, the clock the script reads
 * too. Threading: commands run on the main thread; receive lines are printed from the SDK's
 * callback thread through one synchronized {@link PrintStream}.
 */
public final class SdkPeer {

    private SdkPeer() {
    }

    public static void main(String[] args) throws Exception {
        URI server = URI.create(args[0]);
        Trust trust = Trust.certificates(Path.of(args[1]));
        String code = args[2];
        long channel = Long.parseLong(args[3]);
        String peer = args[4];
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        try (CcpClient client = CcpClient.builder(server).trust(trust)
                .identityStore(IdentityStore.inMemory()).build()) {
            String self = client.pair(code, "sdk-peer").get(60, TimeUnit.SECONDS).deviceId();
            SessionListener listener = new SessionListener() {
                @Override
                public void onMessage(IncomingMessage message) {
                    // Read the clock first: printing belongs to the measurement's tail, not its span.
                    long now = micros();
                    String line = "R " + now + " " + new String(message.payload(), StandardCharsets.UTF_8);
                    synchronized (out) {
                        out.println(line);
                    }
                }
            };
            CcpSession session = client.connect(listener).get(60, TimeUnit.SECONDS);
            session.join(channel, List.of(self, peer)).get(60, TimeUnit.SECONDS);
            say(out, "READY " + self);
            Thread flusher = new Thread(() -> {
                while (true) {
                    LockSupport.parkNanos(20_000_000L);
                    synchronized (out) {
                        out.flush();
                    }
                }
            }, "flusher");
            flusher.setDaemon(true);
            flusher.start();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                String[] cmd = line.trim().split(" ");
                if (cmd[0].equals("QUIT")) {
                    break;
                }
                if (cmd[0].equals("SEND")) {
                    send(session, channel, cmd[1], Integer.parseInt(cmd[2]), Double.parseDouble(cmd[3]),
                            Integer.parseInt(cmd[4]));
                    say(out, "SENT " + cmd[1]);
                }
            }
            session.close();
            session.closed().get(10, TimeUnit.SECONDS);
        }
        out.flush();
        System.exit(0);
    }

    /**
     * Sends {@code count} messages: at {@code rate} per second on a fixed schedule (open loop),
     * or back to back when {@code rate} is 0; at most {@code window} unacknowledged either way.
     */
    private static void send(CcpSession session, long channel, String tag, int count, double rate, int window)
            throws InterruptedException {
        Semaphore inFlight = new Semaphore(window);
        long start = System.nanoTime();
        for (int seq = 0; seq < count; seq++) {
            if (rate > 0) {
                long due = start + (long) (seq * 1e9 / rate);
                for (long wait; (wait = due - System.nanoTime()) > 0; ) {
                    LockSupport.parkNanos(wait);
                }
            }
            inFlight.acquire();
            byte[] payload = (tag + " " + seq + " " + micros()).getBytes(StandardCharsets.UTF_8);
            session.send(channel, payload).whenComplete((ok, failure) -> inFlight.release());
        }
        inFlight.acquire(window);
    }

    private static long micros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    private static void say(PrintStream out, String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}
