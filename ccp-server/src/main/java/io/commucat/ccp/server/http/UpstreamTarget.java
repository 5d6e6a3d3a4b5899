package io.commucat.ccp.server.http;

import io.commucat.ccp.server.http.rest.RestResponse;
import io.netty.channel.EventLoop;
import java.util.concurrent.CompletableFuture;

/**
 * A live {@code /connect} session that takes its upstream bytes from companion POSTs
 * (ccp-1.md §1.3): what {@link UpstreamTokens} maps a token to.
 *
 * <p>Threading: {@link #eventLoop()} from any thread; {@link #offer} on that loop only.
 */
interface UpstreamTarget {

    /** The session's loop: a POST's bytes are handed over to it. */
    EventLoop eventLoop();

    /**
     * One POST's bytes at {@code sequence}; {@code answer} completes with the POST's response
     * (possibly later, once the session took them).
     */
    void offer(long sequence, byte[] bytes, CompletableFuture<RestResponse> answer);
}
