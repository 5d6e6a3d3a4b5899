package io.commucat.ccp.server.http;

import java.io.IOException;
import java.net.http.HttpClient;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The upload of an SSE or long-poll {@code /connect} with {@code upstream=1}, as a browser sends
 * it (rest.md "Connect upstream companion"): one {@code POST /connect/{token}} per piece, numbered
 * from 0 in {@code X-Upstream-Seq}, each waiting for its 204. Because the server answers a POST
 * only once its bytes went to the session, a POST that waits is the companion's back-pressure.
 *
 * <p>Threading: {@link #send} from one thread at a time; the token may be set from another.
 */
final class CompanionUpload {

    /** A companion POST answered with something else than 204. */
    static final class Refused extends IOException {
        final int status;

        Refused(int status) {
            super("companion POST answered " + status);
            this.status = status;
        }
    }

    private final BrowserClient browser;
    private final CompletableFuture<String> token = new CompletableFuture<>();
    private long next;

    CompanionUpload(int port, HttpClient.Version version) throws Exception {
        this.browser = new BrowserClient(port, version);
    }

    /** The token the response announced (its first event or line). */
    void token(String value) {
        token.complete(value);
    }

    /** The token, once the response announced it. */
    String token() throws Exception {
        return token.get(10, TimeUnit.SECONDS);
    }

    /** One POST of raw bytes; returns once it is answered 204. */
    void send(byte[] bytes) throws Exception {
        int status = browser.post(token(), next, bytes).statusCode();
        if (status != 204) {
            throw new Refused(status);
        }
        next++;
    }
}
