package io.commucat.ccp.server.http;

import io.commucat.ccp.server.http.rest.Problem;
import io.commucat.ccp.server.http.rest.RestEndpoint;
import io.commucat.ccp.server.http.rest.RestResponse;
import io.commucat.ccp.server.http.rest.Router;

/**
 * What to do with a request, decided from its head alone; the same for HTTP/2 and HTTP/1.1.
 * {@code route} is the metrics label.
 */
sealed interface RequestPlan {

    String route();

    /** Binary {@code /connect}: a full-duplex streaming exchange. */
    record Connect(String route) implements RequestPlan {
    }

    /** Answer at once (400 for a malformed target, 404, 405, 413 by declared length, 501 for modes not built yet). */
    record Respond(String route, RestResponse response) implements RequestPlan {
    }

    /** Collect the body (bounded), then call the endpoint. */
    record Call(String route, RestEndpoint endpoint) implements RequestPlan {
    }

    static RequestPlan of(ServerContext context, RequestHead head) {
        if (head.malformedTarget()) {
            return new Respond(Router.UNMATCHED, Problem.of(400, "malformed request target"));
        }
        Router.Match match = context.router().match(head.method(), head.path());
        if (match instanceof Router.Connect) {
            ConnectMode mode = head.connectMode();
            if (mode == ConnectMode.BINARY) {
                return new Connect(match.route());
            }
            // Next step: the SSE, long-poll and WebSocket adapters plug in here (docs/transport.md).
            return new Respond(match.route(), Problem.of(501, "connect mode " + mode.wireName() + " is not available yet; use binary"));
        }
        if (match instanceof Router.MethodNotAllowed m) {
            return new Respond(m.route(), Problem.methodNotAllowed(m.allowed()));
        }
        if (match instanceof Router.Endpoint e) {
            int limit = context.limits().maxRequestBody();
            if (head.contentLength().orElse(0) > limit) {
                return new Respond(e.route(), Problem.payloadTooLarge(limit));
            }
            return new Call(e.route(), e.endpoint());
        }
        return new Respond(match.route(), Problem.notFound());
    }
}
