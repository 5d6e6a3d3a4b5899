package io.commucat.ccp.server.http;

import io.commucat.ccp.server.config.ServerConfig;
import java.net.http.HttpClient;
import java.time.Duration;

/**
 * Long-poll {@code /connect} with the upstream companion and resume (rest.md "Connect upstream
 * companion"), over each HTTP version: polls end after 2 s without a frame, and the client polls again with
 * {@code resume}/{@code after} inside its {@link ConnectClient}, so every behaviour runs across
 * several polls.
 *
 * <p>What the mode changes: the upload is POSTs whose 204 waits while the reader is behind; and
 * a browser that vanishes is told from one between polls only after {@code poll_grace}.
 */
abstract class LongPollConnectTransportTest extends AbstractConnectTransportTest {

    private static final Duration POLL_GRACE = Duration.ofSeconds(20);

    /** The HTTP version of the polls and the POSTs. */
    protected abstract HttpClient.Version version();

    @Override
    protected ConnectClient connect(int port) throws Exception {
        return LongPollConnectClient.open(port, version());
    }

    @Override
    protected ServerConfig.Downstream downstream() {
        return new ServerConfig.Downstream(WINDOW, Duration.ofSeconds(60),
                new ServerConfig.Browser(Duration.ofSeconds(2), 1_048_576, POLL_GRACE, 1_048_576, 64));
    }

    @Override
    protected String mode() {
        return "long-poll";
    }

    @Override
    protected String contentType() {
        return "application/x-ndjson";
    }

    @Override
    protected UploadEnd uploadEnd() {
        return UploadEnd.WITH_THE_SESSION;
    }

    /** Between polls the server cannot tell a browser that left from one about to poll again. */
    @Override
    protected Duration transportLossNoticedWithin() {
        return POLL_GRACE.plusSeconds(15);
    }

    /**
     * The server keeps every write until a poll acknowledges it, and a paused client polls no
     * more: the session is fed while what it kept is under two windows, whatever TCP holds.
     */
    @Override
    protected long maxReadWhileBehind() {
        return 512 * 1024;
    }
}
