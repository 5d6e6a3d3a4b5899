package io.commucat.ccp.server.http;

import io.commucat.ccp.server.admission.Admission;
import io.commucat.ccp.server.config.ServerConfig.HttpLimits;
import io.commucat.ccp.server.config.ServerConfig.Timeouts;
import io.commucat.ccp.server.config.ServerConfig;
import io.commucat.ccp.server.connect.ConnectHandler;
import io.commucat.ccp.server.http.rest.Router;
import java.time.Duration;
import java.util.Set;

/**
 * What every connection and stream handler of one {@link CcpServer} shares. Immutable apart
 * from {@code openConnects}, a concurrent set of the live {@code /connect} bridges that
 * shutdown walks.
 *
 * @param keepaliveInterval    HTTP/2 PING period on connections carrying {@code /connect}
 * @param drainTimeout         how long shutdown waits for connections to finish
 * @param downstream           how a {@code /connect} reader paces delivery: unread-bytes window, stall deadline
 * @param admission            the per-address limits (rest.md "Rate limits")
 * @param timeouts             header, body and idle deadlines of connections and streams
 * @param hsts                 the {@code strict-transport-security} value every response carries
 * @param upstreamTokens       the live upstream-companion tokens (SSE and long-poll, ccp-1.md §1.3)
 */
record ServerContext(
        Router router,
        ConnectHandler connectHandler,
        HttpMetrics metrics,
        HttpLimits limits,
        Duration keepaliveInterval,
        Duration drainTimeout,
        ServerConfig.Downstream downstream,
        Set<OpenConnect> openConnects,
        Admission admission,
        Timeouts timeouts,
        String hsts,
        UpstreamTokens upstreamTokens) {
}
