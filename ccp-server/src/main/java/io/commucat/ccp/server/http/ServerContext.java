package io.commucat.ccp.server.http;

import io.commucat.ccp.server.config.ServerConfig.HttpLimits;
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
 * @param maxPendingDownstream response bytes a {@code /connect} reader may leave unread
 * @param hsts                 the {@code strict-transport-security} value every response carries
 */
record ServerContext(
        Router router,
        ConnectHandler connectHandler,
        HttpMetrics metrics,
        HttpLimits limits,
        Duration keepaliveInterval,
        Duration drainTimeout,
        int maxPendingDownstream,
        Set<ConnectBridge> openConnects,
        String hsts) {
}
